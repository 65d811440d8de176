// The native ingest kernels (native/src/media_kernels.cc) against the TypeScript they replace:
// the same bytes / the same floats, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaKernels, setMediaKernelsEnabled } from '../../shared/perception/native-kernels.js';
import { medianFrame, medianFrameTs } from '../../shared/perception/image.js';
import type { Frame } from '../../shared/vision/frame.js';

/** Deterministic pseudo-random bytes (xorshift), some positions with ties (few distinct values). */
function frames(n: number, w: number, h: number, seed: number): Frame[] {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), s >>> 0);
  return Array.from({ length: n }, () => {
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? (next() & 3) * 60 : next() & 255;
    return { width: w, height: h, data };
  });
}

const native = mediaKernels();

test('the native median kernel is built (the TypeScript path is the fallback only)', { skip: process.env.SOPILOT_REQUIRE_NATIVE !== '1' && !native }, () => {
  assert.ok(native, 'native/build/Release/sopilot_dtw.node has no medianU8: rebuild with node scripts/build-native.mjs');
});

test('medianU8 equals the TypeScript median for every frame count 1..50 and sizes across its block', { skip: !native }, () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 20, 31, 32, 33, 47, 48, 50]) {
    for (const [w, h] of [[1, 1], [19, 7], [640, 2], [33, 40]]) {
      const fs = frames(n, w, h, n * 1000 + w);
      const want = medianFrameTs(fs);
      const got = new Uint8Array(w * h * 3);
      native!.medianU8(fs.map((f) => f.data), got);
      assert.deepEqual(got, want.data, `n=${n} ${w}x${h}`);
    }
  }
});

test('medianFrame takes the native kernel when present and gives the TypeScript bytes either way', () => {
  const fs = frames(20, 64, 36, 7);
  const a = medianFrame(fs);
  setMediaKernelsEnabled(false);
  try {
    const b = medianFrame(fs);
    assert.deepEqual(a.data, b.data);
    assert.equal(a.width, 64);
    assert.equal(a.height, 36);
  } finally {
    setMediaKernelsEnabled(true);
  }
});

test('medianFrame refuses frames of different sizes', { skip: !native }, () => {
  const fs = [...frames(2, 8, 8, 1), ...frames(1, 8, 4, 2)];
  assert.throws(() => medianFrame(fs), /different sizes/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeuristicClipEmbedder } from '../../shared/vision/heuristic-embedder.js';
import { clipWindows, embedClipsByIndex, poolClipFeatures } from '../../shared/vision/embedder.js';
import { cosine } from '../helpers/vectors.js';
import type { Frame } from '../../shared/vision/frame.js';

/** A moving square over a coloured background. */
function scene(w: number, h: number, bg: [number, number, number], sq: [number, number, number], pos: number): Frame {
  const data = new Uint8Array(w * h * 3);
  const x0 = Math.floor(pos * (w - w / 4)), y0 = Math.floor(h / 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const c = x >= x0 && x < x0 + w / 4 && y >= y0 && y < y0 + h / 4 ? sq : bg;
      data.set(c, (y * w + x) * 3);
    }
  return { width: w, height: h, data };
}

const e = new HeuristicClipEmbedder();
const moving = (bg: [number, number, number], sq: [number, number, number]) => Array.from({ length: 8 }, (_, i) => scene(160, 120, bg, sq, i / 7));

test('heuristic: dims, L2 norm, determinism', async () => {
  assert.equal(e.frameDim, 64 + 64);
  assert.equal(e.dim, 64 + 3 * 64);
  const clip = moving([20, 40, 200], [250, 250, 0]);
  const copy = clip.map((f) => ({ ...f, data: f.data.slice() }));
  const [a, b] = await e.embedClips([clip, copy]);
  assert.equal(a.length, e.dim);
  assert.ok(Math.abs(a.reduce((s, x) => s + x * x, 0) - 1) < 1e-5);
  assert.deepEqual(a, b);
});

test('heuristic: order, motion and content change the vector', async () => {
  const clip = moving([20, 40, 200], [250, 250, 0]);
  const [fwd, rev, still, other] = await e.embedClips([clip, [...clip].reverse(), Array(8).fill(clip[0]), moving([200, 30, 30], [0, 200, 0])]);
  assert.ok(cosine(fwd, rev) < 0.9, `reversed: ${cosine(fwd, rev)}`);
  assert.ok(cosine(fwd, still) < 0.9, `still: ${cosine(fwd, still)}`);
  assert.ok(cosine(fwd, other) < 0.4, `other colours: ${cosine(fwd, other)}`);
  assert.ok(cosine(fwd, rev) > 0.3, 'reversed clip of the same scene is still similar');
  assert.ok(cosine(fwd, rev) > cosine(fwd, other), 'same scene reversed is closer than a different scene');
});

test('heuristic: frame features reused across overlapping clips give the same vectors', async () => {
  const frames = Array.from({ length: 16 }, (_, i) => scene(96, 64, [10, 10, 10], [200, 100, 50], i / 15));
  const windows = clipWindows(16, 8, 4);
  assert.equal(windows.length, 3);
  const a = await embedClipsByIndex(e, frames, windows);
  const b = await e.embedClips(windows.map((w) => w.map((i) => frames[i])));
  assert.deepEqual(a, b);
});

test('heuristic: rejects malformed frames', async () => {
  await assert.rejects(e.embedClips([[{ width: 4, height: 4, data: new Uint8Array(10) }]]), /expected 48/);
  await assert.rejects(e.embedClips([[]]), /empty clip/);
});

test('poolClipFeatures: concat doubles dims, static clip has zero motion half, reversal flips it', () => {
  const f = [new Float32Array([1, 0, 0]), new Float32Array([1, 1, 0]), new Float32Array([0, 1, 0]), new Float32Array([0, 1, 1])];
  const v = poolClipFeatures(f, { motionWeight: 1 });
  const r = poolClipFeatures([...f].reverse(), { motionWeight: 1 });
  assert.equal(v.length, 6);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(v[i] - r[i]) < 1e-6);
    assert.ok(Math.abs(v[3 + i] + r[3 + i]) < 1e-6);
  }
  // motion = mean(2nd half) - mean(1st half) = [0,1,0.5] - [1,0.5,0] = [-1, 0.5, 0.5]
  assert.ok(v[3] < 0 && v[4] > 0 && Math.abs(v[4] - v[5]) < 1e-6);
  const s = poolClipFeatures([f[0], f[0], f[0]]);
  assert.deepEqual(Array.from(s.subarray(3)), [0, 0, 0]);
  assert.equal(poolClipFeatures(f, { pooling: 'ramp' }).length, 3);
  assert.throws(() => poolClipFeatures([]), /empty/);
});

test('hybrid embedder: unit vectors whose cosine is the weighted mean of the parts', async () => {
  const { HybridClipEmbedder } = await import('../../shared/vision/hybrid-embedder.js');
  const { HeuristicClipEmbedder } = await import('../../shared/vision/heuristic-embedder.js');
  const a = new HeuristicClipEmbedder({ grid: 4 });
  const b = new HeuristicClipEmbedder({ grid: 8 });
  const h = new HybridClipEmbedder(a, b, 0.3);
  const frame = (v: number, w = 32) => ({ width: w, height: w, data: new Uint8Array(w * w * 3).map((_, i) => (i * v) % 251) });
  const c1 = [frame(3), frame(5), frame(7)];
  const c2 = [frame(11), frame(13), frame(17)];
  const [x, y] = await h.embedClips([c1, c2]);
  const dot = (p: Float32Array, q: Float32Array) => p.reduce((s, v, i) => s + v * q[i], 0);
  assert.ok(Math.abs(dot(x, x) - 1) < 1e-5);
  const [ax, ay] = await a.embedClips([c1, c2]);
  const [bx, by] = await b.embedClips([c1, c2]);
  assert.ok(Math.abs(dot(x, y) - (0.3 * dot(ax, ay) + 0.7 * dot(bx, by))) < 1e-5);
  assert.throws(() => new HybridClipEmbedder(a, b, 1), /appearanceWeight/);
});

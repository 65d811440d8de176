import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPrivacyMask, parseMaskRects } from '../../shared/vision/privacy-mask.js';
import type { Frame } from '../../shared/vision/frame.js';

/** High-variance test frame: pseudo-random noise plus a checkerboard. */
function noisy(w: number, h: number): Frame {
  const data = new Uint8Array(w * h * 3);
  let s = 1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        s = (s * 1103515245 + 12345) >>> 0;
        data[(y * w + x) * 3 + c] = ((((x >> 2) ^ (y >> 2)) & 1) * 160 + (s >>> 26)) & 255;
      }
  return { width: w, height: h, data };
}

function regionStats(f: Frame, x0: number, y0: number, x1: number, y1: number) {
  let n = 0, sum = 0, sq = 0, max = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++)
      for (let c = 0; c < 3; c++) {
        const v = f.data[(y * f.width + x) * 3 + c];
        n++;
        sum += v;
        sq += v * v;
        max = Math.max(max, v);
      }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean, max };
}

/** Indices of bytes that differ between two frames, as pixel coordinates. */
function changedPixels(a: Frame, b: Frame): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let p = 0; p < a.width * a.height; p++)
    if (a.data[p * 3] !== b.data[p * 3] || a.data[p * 3 + 1] !== b.data[p * 3 + 1] || a.data[p * 3 + 2] !== b.data[p * 3 + 2]) out.push([p % a.width, Math.floor(p / a.width)]);
  return out;
}

test('parseMaskRects parses lists and rejects bad input clearly', () => {
  assert.deepEqual(parseMaskRects(''), []);
  assert.deepEqual(parseMaskRects('0:0:0.5:0.25; 0.5:.5:1:1;'), [
    { x0: 0, y0: 0, x1: 0.5, y1: 0.25 },
    { x0: 0.5, y0: 0.5, x1: 1, y1: 1 },
  ]);
  assert.throws(() => parseMaskRects('0:0:1'), /rect 1 "0:0:1": expected 4 values/);
  assert.throws(() => parseMaskRects('0:0:1:1;0:a:1:1'), /rect 2 .*"a" is not a number/);
  assert.throws(() => parseMaskRects('0:0:1.5:1'), /within 0..1/);
  assert.throws(() => parseMaskRects('0.5:0:0.2:1'), /x1 > x0/);
  assert.throws(() => parseMaskRects('0:0:1e1:1'), /not a number/);
});

test('black mask: region exactly 0, everything else untouched, copy mode leaves the input alone', () => {
  const f = noisy(160, 120);
  const orig = { ...f, data: f.data.slice() };
  const out = applyPrivacyMask(f, { rects: [{ x0: 0.25, y0: 0.5, x1: 0.5, y1: 1 }], mode: 'black', inPlace: false });
  assert.deepEqual(f.data, orig.data, 'inPlace:false must not modify the input');
  assert.equal(regionStats(out, 40, 60, 80, 120).max, 0);
  for (const [x, y] of changedPixels(orig, out)) assert.ok(x >= 40 && x < 80 && y >= 60 && y < 120, `pixel (${x},${y}) outside the rect changed`);
  const same = applyPrivacyMask(f, { rects: [{ x0: 0, y0: 0, x1: 0.1, y1: 0.1 }] });
  assert.equal(same, f, 'in place by default');
  assert.equal(regionStats(f, 0, 0, 16, 12).max, 0);
});

test('blur mask: variance drops strongly inside, mean kept, outside untouched', () => {
  const f = noisy(200, 160);
  const orig = { ...f, data: f.data.slice() };
  applyPrivacyMask(f, { rects: [{ x0: 0.2, y0: 0.25, x1: 0.7, y1: 0.75 }], mode: 'blur' });
  const before = regionStats(orig, 40, 40, 140, 120), after = regionStats(f, 40, 40, 140, 120);
  assert.ok(after.variance < before.variance * 0.05, `variance ${before.variance} -> ${after.variance}`);
  assert.ok(Math.abs(after.mean - before.mean) < 5);
  for (const [x, y] of changedPixels(orig, f)) assert.ok(x >= 40 && x < 140 && y >= 40 && y < 120, `pixel (${x},${y}) outside the rect changed`);
});

test('face boxes are blurred with a margin; other content untouched', () => {
  const f = noisy(200, 200);
  const orig = { ...f, data: f.data.slice() };
  applyPrivacyMask(f, { faceBoxes: [{ x0: 0.4, y0: 0.4, x1: 0.6, y1: 0.6 }], faceMargin: 0.25 });
  // 0.2 wide box + 25% each side -> 0.35..0.65 -> pixels 70..130
  assert.ok(regionStats(f, 70, 70, 130, 130).variance < regionStats(orig, 70, 70, 130, 130).variance * 0.1);
  const changed = changedPixels(orig, f);
  assert.ok(changed.some(([x, y]) => x < 78 && y < 78), 'margin area is blurred too');
  for (const [x, y] of changed) assert.ok(x >= 70 && x < 130 && y >= 70 && y < 130, `pixel (${x},${y}) outside the enlarged box changed`);
});

test('rects are clamped to the frame; bad frames and modes are rejected', () => {
  const f = noisy(50, 40);
  applyPrivacyMask(f, { faceBoxes: [{ x0: 0.9, y0: 0.9, x1: 1.2, y1: 1.1 }] });
  assert.throws(() => applyPrivacyMask({ width: 4, height: 4, data: new Uint8Array(5) }, { rects: [] }), /expected 48/);
  assert.throws(() => applyPrivacyMask(f, { rects: [], mode: 'pixelate' as 'blur' }), /unknown mask mode/);
});

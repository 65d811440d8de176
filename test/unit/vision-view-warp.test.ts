// Synthetic camera views (shared/vision/view-warp.ts) used for the gold's view hypotheses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOLD_VIEW_HYPOTHESES, contentRect, warpFrame } from '../../shared/vision/view-warp.js';
import type { Frame } from '../../shared/vision/frame.js';

/** A 64x48 frame whose red channel is x*4 and green y*4, inside a 64x64 letterbox. */
function ramp(): Frame {
  const W = 64, H = 64;
  const data = new Uint8Array(W * H * 3);
  for (let y = 8; y < 56; y++) for (let x = 0; x < W; x++) {
    const o = (y * W + x) * 3;
    data[o] = x * 4;
    data[o + 1] = (y - 8) * 4;
    data[o + 2] = 100;
  }
  return { width: W, height: H, data };
}

test('contentRect: where the decoder letterboxes a picture in a square frame', () => {
  assert.deepEqual(contentRect(224, 320, 240), { x: 0, y: 28, w: 224, h: 168 });
  assert.deepEqual(contentRect(224, 240, 320), { x: 28, y: 0, w: 168, h: 224 });
  assert.deepEqual(contentRect(64, 64, 48), { x: 0, y: 8, w: 64, h: 48 });
});

test('warpFrame: the identity view changes nothing; the letterbox padding is never touched', () => {
  const f = ramp();
  const rect = contentRect(64, 64, 48);
  const same = warpFrame(f, { zoom: 1, pan_x: 0.5, pan_y: 0.5, angle_rad: 0 }, rect);
  let maxDiff = 0;
  for (let i = 0; i < f.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(same.data[i] - f.data[i]));
  assert.ok(maxDiff <= 1, `identity differs by ${maxDiff}`);
  for (const v of GOLD_VIEW_HYPOTHESES) {
    const w = warpFrame(f, v, rect);
    for (let i = 0; i < 8 * 64 * 3; i++) assert.equal(w.data[i], 0, 'top padding stays black');
  }
});

test('warpFrame: a zoom into the top-left corner shows that corner enlarged; a tilt blackens corners', () => {
  const f = ramp();
  const rect = contentRect(64, 64, 48);
  const z = warpFrame(f, { zoom: 2, pan_x: 0, pan_y: 0, angle_rad: 0 }, rect);
  // Output x maps to source x / 2: red at the right edge of the view is about half the source's.
  const px = (fr: Frame, x: number, y: number) => fr.data[((y + 8) * 64 + x) * 3];
  assert.ok(Math.abs(px(z, 63, 10) - 126) <= 4, `red at right edge ${px(z, 63, 10)}`);
  assert.ok(Math.abs(px(z, 0, 10) - px(f, 0, 5)) <= 4);
  const t = warpFrame(f, { zoom: 1, pan_x: 0.5, pan_y: 0.5, angle_rad: 0.2 }, rect);
  assert.equal(t.data[(8 * 64 + 0) * 3 + 2], 0, 'a corner rotated in from outside the picture is black');
  assert.equal(t.data[(32 * 64 + 32) * 3 + 2], 100, 'the centre is still the picture');
});

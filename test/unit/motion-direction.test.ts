import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTION_BINS, MOTION_DIM, MOTION_REGIONS, MOTION_SCALE, MotionDirectionTracker, motionDirections } from '../../shared/perception/motion-direction.js';
import { motionDirectionPart } from '../../shared/vision/motion-embedder.js';
import type { GreyImage } from '../../shared/perception/image.js';
import type { Frame } from '../../shared/vision/frame.js';

const W = 96;
const H = 64;

/** Grey 40 with a textured bright square (a gradient, so a shift is unambiguous) at (x, y). */
function scene(x: number, y: number, side = 16): GreyImage {
  const d = new Float32Array(W * H).fill(40);
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) d[(y + r) * W + x + c] = 120 + 4 * r + 3 * c;
  return { width: W, height: H, data: d };
}
const asFrame = (g: GreyImage): Frame => {
  const d = new Uint8Array(g.width * g.height * 3);
  g.data.forEach((v, i) => d.fill(Math.round(v), 3 * i, 3 * i + 3));
  return { width: g.width, height: g.height, data: d };
};
const peak = (h: Float32Array) => h.indexOf(Math.max(...h));

test('motionDirections: a moved square votes for its direction, wherever it is in the picture', () => {
  // Bin 0 points right, bin 2 up (screen y grows downwards), bin 4 left, bin 6 down.
  const cases: Array<[number, number, number]> = [[4, 0, 0], [0, -4, 2], [-4, 0, 4], [0, 4, 6], [3, -3, 1]];
  for (const [dx, dy, bin] of cases) {
    for (const [x, y] of [[20, 20], [60, 30]]) {
      const h = motionDirections(scene(x, y), scene(x + dx, y + dy));
      assert.equal(h.length, DIRECTION_BINS);
      assert.equal(peak(h), bin, `shift (${dx}, ${dy}) at (${x}, ${y}): ${Array.from(h, (v) => v.toFixed(1)).join(' ')}`);
    }
  }
  // The same motion at another place gives the same histogram (blocks aligned alike: 8 px steps).
  const a = motionDirections(scene(16, 16), scene(20, 16));
  const b = motionDirections(scene(56, 32), scene(60, 32));
  assert.deepEqual(Array.from(a, (v) => v.toFixed(3)), Array.from(b, (v) => v.toFixed(3)));
});

test('motionDirections: noise that changes every block a little is not motion', () => {
  // Deterministic noise of +-6 grey levels on every pixel of both frames, and the square moving right.
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 12;
  const noisy = (g: GreyImage): GreyImage => ({ ...g, data: g.data.map((v) => v + noise()) });
  const still = motionDirections(noisy(scene(20, 20)), noisy(scene(20, 20)));
  assert.ok(Math.hypot(...still) < 1e-6, `noise alone gave ${Array.from(still, (v) => v.toFixed(1)).join(' ')}`);
  assert.equal(peak(motionDirections(noisy(scene(20, 20)), noisy(scene(24, 20)))), 0);
});

test('motionDirections: no motion, or a change no shift explains, adds nothing', () => {
  assert.ok(motionDirections(scene(20, 20), scene(20, 20)).every((v) => v === 0));
  // A flat square appearing from nothing: no displacement matches it.
  const empty: GreyImage = { width: W, height: H, data: new Float32Array(W * H).fill(40) };
  const lit: GreyImage = { width: W, height: H, data: new Float32Array(W * H).fill(40) };
  for (let r = 24; r < 40; r++) for (let c = 24; c < 40; c++) lit.data[r * W + c] = 200;
  assert.ok(motionDirections(empty, lit).every((v) => v === 0));
  assert.throws(() => motionDirections(scene(0, 0), { width: 8, height: 8, data: new Float32Array(64) }), /differ in size/);
});

test('motion part: frames in order, scaled by MOTION_SCALE; a still clip is about zero, a moving one unit length', async () => {
  const rect = { x: 0, y: 0, width: W, height: H };
  const t = new MotionDirectionTracker(rect);
  assert.ok(t.next(asFrame(scene(20, 20))).every((v) => v === 0), 'the first frame has no previous');
  const h = t.next(asFrame(scene(24, 20)));
  assert.ok(Math.abs(h[0] - motionDirections(scene(20, 20), scene(24, 20))[0] / MOTION_SCALE) < 1e-4);

  const part = motionDirectionPart(rect);
  const moving = await part.embedFrames([0, 4, 8, 12, 16].map((k) => asFrame(scene(20 + k, 20, 32))));
  const still = await motionDirectionPart(rect).embedFrames([0, 0, 0].map(() => asFrame(scene(20, 20))));
  const norm = (v: Float32Array) => Math.hypot(...v);
  assert.equal(part.combineClip(still).length, part.dim);
  assert.ok(norm(part.combineClip(still)) < 1e-6);
  const m = part.combineClip(moving);
  assert.equal(part.frameDim, MOTION_DIM);
  assert.ok(norm(m) <= 1 + 1e-6);
  // The mean half, summed over the regions per direction: rightward.
  const perDirection = Array.from({ length: DIRECTION_BINS }, (_, b) => {
    let s = 0;
    for (let r = 0; r < MOTION_DIM / DIRECTION_BINS; r++) s += m[r * DIRECTION_BINS + b];
    return s;
  });
  assert.equal(peak(Float32Array.from(perDirection)), 0, 'rightward motion on bin 0');
});

test('motionDirections per region: the same motion votes in the region where it happens', () => {
  const regions = MOTION_REGIONS;
  const cells = regions.cols * regions.rows;
  const left = motionDirections(scene(8, 8), scene(12, 8), { regions });
  const right = motionDirections(scene(68, 40), scene(72, 40), { regions });
  assert.equal(left.length, DIRECTION_BINS * cells);
  const regionOf = (h: Float32Array) => Math.floor(peak(h) / DIRECTION_BINS);
  assert.equal(regionOf(left), 0, 'top left');
  assert.equal(regionOf(right), cells - 1, 'bottom right');
  assert.equal(peak(left) % DIRECTION_BINS, 0);
  assert.equal(peak(right) % DIRECTION_BINS, 0);
});

test('motionDirections: a shaking camera is not motion; work is measured against the scene', () => {
  // A textured scene (a pattern every block can be located by) with a flat square on it.
  const textured = (shift: number, sx: number, sy: number): GreyImage => {
    const d = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * W + x] = 60 + 40 * Math.sin((x + shift) * 0.7) * Math.cos(y * 0.9) + 30 * Math.sin((x + shift) * 0.23 + y * 0.31);
    for (let y = sy; y < sy + 16; y++) for (let x = sx; x < sx + 16; x++) d[y * W + x] = 200 + 2 * (x - sx) + 3 * (y - sy);
    return { width: W, height: H, data: d };
  };
  // The whole picture moved 2 px (the camera), nothing else: no motion.
  const shake = motionDirections(textured(0, 40, 24), textured(2, 38, 24));
  assert.ok(Math.hypot(...shake) < 1e-6, `shake gave ${Array.from(shake, (v) => v.toFixed(1)).join(' ')}`);
  // The camera moved 2 px left-to-right in the picture and the square moved 4 px up in the scene.
  const work = motionDirections(textured(0, 40, 24), textured(2, 38, 20));
  // The histogram's mean direction points up (within 30 degrees); the blocks on the square's edge
  // see part of it move and part of the scene.
  let x = 0;
  let y = 0;
  work.forEach((v, b) => ((x += v * Math.cos((b * 2 * Math.PI) / DIRECTION_BINS)), (y += v * Math.sin((b * 2 * Math.PI) / DIRECTION_BINS))));
  const angle = (Math.atan2(y, x) * 180) / Math.PI;
  assert.ok(Math.abs(angle - 90) < 30, `work gave ${Array.from(work, (v) => v.toFixed(1)).join(' ')}, mean direction ${angle.toFixed(0)} degrees`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySimilarity, fitSimilarity, registerCamera, rescaleSimilarity, type Similarity } from '../../shared/perception/registration.js';
import { pictureRect, sample, type GreyImage } from '../../shared/perception/image.js';
import { WorkFeatureExtractor, blurCells, frameDiffNoise, gridFor } from '../../shared/perception/work-features.js';
import { gridTaps, warpGridRows } from '../../shared/perception/grid-warp.js';
import { decodeStill, encodeStill, resizeGrey } from '../../shared/perception/scene-still.js';
import { rngFor } from '../../shared/demo/random.js';

/** A cluttered static scene: seeded rectangles and discs of many greys (keypoints everywhere). */
function scene(seed: number, w = 640, h = 360): GreyImage {
  const rnd = rngFor(seed, 'scene');
  const d = new Float32Array(w * h).fill(110);
  for (let k = 0; k < 260; k++) {
    const x0 = Math.floor(rnd() * w), y0 = Math.floor(rnd() * h);
    const rw = 6 + Math.floor(rnd() * 50), rh = 6 + Math.floor(rnd() * 50);
    const v = Math.floor(rnd() * 255);
    const disc = rnd() < 0.4;
    for (let y = y0; y < Math.min(h, y0 + rh); y++) for (let x = x0; x < Math.min(w, x0 + rw); x++) {
      if (disc && (x - x0 - rw / 2) ** 2 / (rw / 2) ** 2 + (y - y0 - rh / 2) ** 2 / (rh / 2) ** 2 > 1) continue;
      d[y * w + x] = v;
    }
  }
  return { width: w, height: h, data: d };
}

/** What a camera with goldToTrainee = t sees: each trainee pixel samples the gold at t^-1. */
function filmed(gold: GreyImage, t: Similarity, gain = 1, offset = 0): GreyImage {
  const s = t.a * t.a + t.b * t.b;
  const inv = (u: number, v: number): [number, number] => {
    const x = u - t.tx, y = v - t.ty;
    return [(t.a * x + t.b * y) / s, (-t.b * x + t.a * y) / s];
  };
  const out = new Float32Array(gold.width * gold.height);
  for (let v = 0; v < gold.height; v++) for (let u = 0; u < gold.width; u++) {
    const [x, y] = inv(u, v);
    out[v * gold.width + u] = Math.min(255, gain * sample(gold, x, y) + offset);
  }
  return { width: gold.width, height: gold.height, data: out };
}

/** zoom z about the centre, rotation r (deg), then a shift (px). */
function camera(z: number, rDeg: number, sx: number, sy: number, w = 640, h = 360): Similarity {
  const r = (rDeg * Math.PI) / 180;
  const a = z * Math.cos(r), b = z * Math.sin(r);
  const cx = w / 2, cy = h / 2;
  return { a, b, tx: cx - (a * cx - b * cy) + sx, ty: cy - (b * cx + a * cy) + sy };
}

test('fitSimilarity recovers a known transform from point pairs', () => {
  const t = camera(1.04, 2, 10, -6);
  const p: Array<[number, number]> = [[10, 10], [600, 30], [320, 200], [50, 340], [500, 300]];
  const q = p.map(([x, y]) => applySimilarity(t, x, y));
  const f = fitSimilarity(p, q);
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(f[k] - t[k]) < 1e-6, k);
});

test('registration: zoom, tilt, shift and light of the same scene are measured; another scene is told apart', async () => {
  const gold = scene(1);
  const t = camera(1.05, 2.5, 12, -8);
  const { camera: c, transform } = await registerCamera(gold, filmed(gold, t, 0.8, 5));
  assert.equal(c.same_scene, true, JSON.stringify(c));
  assert.ok(Math.abs(c.zoom - 1.05) < 0.01, `zoom ${c.zoom}`);
  assert.ok(Math.abs(c.rotation_deg - 2.5) < 0.3, `rotation ${c.rotation_deg}`);
  assert.ok(Math.abs(c.shift_x - 12 / 640) < 0.004 && Math.abs(c.shift_y + 8 / 360) < 0.006, `shift ${c.shift_x} ${c.shift_y}`);
  assert.ok(Math.abs(c.brightness_gain - 0.8) < 0.08, `gain ${c.brightness_gain}`);
  const [u, v] = applySimilarity(transform, 100, 100);
  const [u0, v0] = applySimilarity(t, 100, 100);
  assert.ok(Math.hypot(u - u0, v - v0) < 1.5);
  const other = await registerCamera(gold, scene(2));
  assert.equal(other.camera.same_scene, false, JSON.stringify(other.camera));
  assert.ok(other.camera.match_ratio < 0.25);
});

test('rescaleSimilarity maps between images of other sizes', () => {
  const t = camera(1.1, 1, 20, 10);
  const s = rescaleSimilarity(t, 0.5, 0.25); // gold image at half size, trainee at a quarter
  const [u, v] = applySimilarity(s, 50, 40); // gold pixel (50,40) is (100,80) at full size
  const [U, V] = applySimilarity(t, 100, 80);
  assert.ok(Math.abs(u - U * 0.25) < 1e-9 && Math.abs(v - V * 0.25) < 1e-9);
});

test('work features: change against the static scene and motion land in the cells where the work is', () => {
  const rect = { x: 0, y: 49, width: 224, height: 126 };
  const bg: GreyImage = { width: 224, height: 126, data: new Float32Array(224 * 126).fill(100) };
  const ex = new WorkFeatureExtractor(gridFor(rect), bg);
  const frame = (px: number) => {
    const data = new Uint8Array(224 * 224 * 3).fill(0);
    for (let y = 0; y < 126; y++) for (let x = 0; x < 224; x++) data.fill(100, ((y + 49) * 224 + x) * 3, ((y + 49) * 224 + x) * 3 + 3);
    for (let y = 60; y < 76; y++) for (let x = px; x < px + 16; x++) data.fill(220, ((y + 49) * 224 + x) * 3, ((y + 49) * 224 + x) * 3 + 3);
    return { width: 224, height: 224, data };
  };
  const a = ex.next(frame(40));
  const b = ex.next(frame(160));
  const cells = 28 * 16;
  const cellOf = (x: number, y: number) => Math.floor(y / (126 / 16)) * 28 + Math.floor(x / 8);
  assert.ok(a[cellOf(48, 68)] > 5, 'change where the object is');
  assert.equal(a[cellOf(160, 68)], 0, 'no change elsewhere');
  assert.equal(a[cells + cellOf(48, 68)], 0, 'no motion in the first frame');
  assert.ok(b[cells + cellOf(48, 68)] > 5 && b[cells + cellOf(168, 68)] > 5, 'motion where it left and where it arrived');
  // Asked to smooth, the extractor gives the same maps smoothed (blurCells, tested below).
  const smooth = new WorkFeatureExtractor(gridFor(rect), bg, { blur: 1 });
  const s0 = smooth.next(frame(40));
  const want = Float32Array.from(a);
  blurCells(want, 28, 16, 1);
  assert.ok(s0.every((x, i) => Math.abs(x - want[i]) < 1e-5));
  // A whole-frame exposure change is not work.
  const dim = new WorkFeatureExtractor(gridFor(rect), bg);
  const f = frame(40);
  for (let i = 0; i < f.data.length; i++) f.data[i] = Math.round(f.data[i] * 0.8);
  const c = dim.next(f);
  assert.equal(c[cellOf(160, 68)], 0);
});

test('work features, noise floor option (off by default): it follows the camera noise; a clean camera keeps the fixed floor', () => {
  const W = 224, H = 126;
  const rect = { x: 0, y: 0, width: W, height: H };
  const rnd = rngFor(7, 'noise');
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  // A textured static scene; the object (a bright square) moves 8 px a frame.
  const scene = Float32Array.from({ length: W * H }, (_, i) => 60 + ((i % W) * 3 + Math.floor(i / W) * 5) % 120);
  const frame = (t: number, sigma: number) => {
    const data = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) {
      const x = i % W, y = Math.floor(i / W);
      const v = x >= 20 + 8 * t && x < 44 + 8 * t && y >= 50 && y < 74 ? 240 : scene[i];
      data.fill(Math.max(0, Math.min(255, Math.round(v + sigma * gauss()))), 3 * i, 3 * i + 3);
    }
    return { width: W, height: H, data };
  };
  const bg: GreyImage = { width: W, height: H, data: scene };
  // The estimate: a frame difference of two frames with noise sigma has sigma * sqrt(2).
  const a = frame(0, 4), b = frame(0, 4);
  const est = frameDiffNoise(toGreyData(a), toGreyData(b));
  assert.ok(Math.abs(est - 4 * Math.SQRT2) < 0.6, `estimate ${est}`);
  const run = (sigma: number) => {
    const ex = new WorkFeatureExtractor(gridFor(rect), bg, { noiseFloor: 6, blur: 0, noiseSigmas: 3 });
    let last = new Float32Array(0);
    for (let t = 0; t < 12; t++) last = ex.next(frame(t, sigma));
    return { floors: ex.floors(), last };
  };
  const clean = run(0.8);
  assert.deepEqual(clean.floors, [6, 6], 'a clean camera: the fixed floor');
  const noisy = run(5);
  assert.ok(noisy.floors[1] > 3 * 5 * Math.SQRT2 * 0.85 && noisy.floors[1] < 3 * 5 * Math.SQRT2 * 1.15, `motion floor ${noisy.floors[1]}`);
  assert.ok(Math.abs(noisy.floors[0] - noisy.floors[1] / Math.SQRT2) < 1e-9, 'the change floor is the motion one over sqrt(2)');
  // Where nothing happens (the top rows), the noisy camera shows (almost) no change or motion,
  // while the object's cells still do.
  const cells = 28 * 16;
  const quiet = (v: Float32Array, off: number) => { let s = 0; for (let c = 0; c < 28 * 3; c++) s += v[off + c]; return s / (28 * 3); };
  assert.ok(quiet(noisy.last, 0) < 0.05 && quiet(noisy.last, cells) < 0.05, `quiet cells ${quiet(noisy.last, 0)}, ${quiet(noisy.last, cells)}`);
  const objCell = Math.floor(62 / (H / 16)) * 28 + Math.floor((32 + 8 * 11) / 8);
  assert.ok(noisy.last[objCell] > 2 && noisy.last[cells + objCell] > 1, 'the work still shows');
  const fixed = new WorkFeatureExtractor(gridFor(rect), bg); // the default: the fixed floor alone
  let f6 = new Float32Array(0);
  for (let t = 0; t < 12; t++) f6 = fixed.next(frame(t, 5));
  assert.ok(quiet(f6, cells) > 5 * quiet(noisy.last, cells) + 0.1, 'at the fixed floor the same noise reads as motion everywhere');
});

function toGreyData(f: { width: number; height: number; data: Uint8Array }): Float32Array {
  return Float32Array.from({ length: f.width * f.height }, (_, i) => f.data[3 * i]);
}

test('work cells smoothing: a spike spreads to its neighbours by sigma, not past 2 sigma, per channel, and a flat map stays flat', () => {
  const cols = 28, rows = 16, cells = cols * rows;
  const v = new Float32Array(2 * cells);
  v[8 * cols + 10] = 1; // channel 0
  blurCells(v, cols, rows, 1);
  const at = (r: number, c: number, ch = 0) => v[ch * cells + r * cols + c];
  assert.ok(at(8, 10) < 1 && at(8, 10) > at(8, 11), 'the peak stays where it was');
  assert.ok(Math.abs(at(8, 11) - at(8, 9)) < 1e-7 && Math.abs(at(8, 11) - at(9, 10)) < 1e-7, 'symmetric');
  assert.ok(Math.abs(at(8, 11) / at(8, 10) - Math.exp(-0.5)) < 1e-6, 'one cell away: exp(-1/2) of the peak');
  assert.equal(at(8, 13), 0, 'nothing past 2 sigma');
  assert.equal(at(8, 10, 1), 0, 'channels do not mix');
  const flat = new Float32Array(cells).fill(3);
  blurCells(flat, cols, rows, 1);
  assert.ok(flat.every((x) => Math.abs(x - 3) < 1e-5), 'border cells are not darkened');
  const sharp = Float32Array.from(v);
  blurCells(sharp, cols, rows, 0);
  assert.deepEqual(sharp, v, 'sigma 0 leaves the map as it is');
});

test('grid warp: identity keeps rows; a shift by one cell moves the content one cell', () => {
  const rect = { x: 0, y: 0, width: 280, height: 160 };
  const g = gridFor(rect); // 28x16 cells of 10x10 px
  const cells = 28 * 16;
  const m = { rows: 1, dim: cells, data: new Float32Array(cells) };
  m.data[5 * 28 + 10] = 1;
  const id = warpGridRows(m, g, g, { a: 1, b: 0, tx: 0, ty: 0 });
  assert.ok(Math.abs(id.data[5 * 28 + 10] - 1) < 1e-6);
  // The trainee sees everything 10 px (one cell) further right: gold cell 10 reads trainee cell 11.
  const moved = { rows: 1, dim: cells, data: new Float32Array(cells) };
  moved.data[5 * 28 + 11] = 1;
  const back = warpGridRows(moved, g, g, { a: 1, b: 0, tx: 10, ty: 0 });
  assert.ok(Math.abs(back.data[5 * 28 + 10] - 1) < 1e-6);
  assert.equal(gridTaps(g, g, { a: 1, b: 0, tx: 1000, ty: 0 })[0].length, 0, 'cells the trainee never saw take nothing');
});

test('scene still: stored form round-trips; resize keeps the mean', () => {
  const img = scene(3, 64, 36);
  const back = decodeStill(encodeStill(img));
  assert.equal(back.width, 64);
  assert.deepEqual(Array.from(back.data.slice(0, 50)), Array.from(img.data.slice(0, 50)).map(Math.round));
  assert.throws(() => decodeStill(Buffer.from('nope')), /not a scene still/);
  const small = resizeGrey(img, 16, 9);
  const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
  assert.ok(Math.abs(mean(small.data) - mean(img.data)) < 1);
});

test('pictureRect: where the decoder letterboxes a picture in a square frame', () => {
  assert.deepEqual(pictureRect(224, 320, 240), { x: 0, y: 28, width: 224, height: 168 });
  assert.deepEqual(pictureRect(224, 240, 320), { x: 28, y: 0, width: 168, height: 224 });
  assert.deepEqual(pictureRect(64, 64, 48), { x: 0, y: 8, width: 64, height: 48 });
});

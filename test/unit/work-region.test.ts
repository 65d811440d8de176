import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkRegionTracker, cropFrame, workRegion, WHOLE_PICTURE } from '../../shared/perception/work-region.js';
import { SceneHybridEmbedder } from '../../shared/vision/scene-hybrid-embedder.js';
import { WORK_GRID } from '../../shared/perception/work-features.js';
import { poolClipFeatures, type FrameFeatureEmbedder } from '../../shared/vision/embedder.js';
import type { Frame } from '../../shared/vision/frame.js';
import type { GreyImage } from '../../shared/perception/image.js';

const { cols, rows } = WORK_GRID;

/** A change map with `v` in the cells of [c0, c1) x [r0, r1) and nothing elsewhere. */
function blob(c0: number, c1: number, r0: number, r1: number, v = 4): Float32Array {
  const m = new Float32Array(cols * rows);
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) m[r * cols + c] = v;
  return m;
}

test('workRegion: a square box around the change, at least minSide, inside the picture; none without change', () => {
  const aspect = 16 / 9;
  const b = workRegion(blob(20, 24, 2, 5), cols, rows, aspect)!;
  const cx = (b.x0 + b.x1) / 2;
  const cy = (b.y0 + b.y1) / 2;
  assert.ok(Math.abs(cx - 22 / cols) < 0.02, `centre x ${cx}`);
  assert.ok(Math.abs(cy - 3.5 / rows) < 0.08, `centre y ${cy} (shifted down only to stay inside)`);
  assert.ok(b.y0 >= 0 && b.x1 <= 1, 'inside the picture');
  // Square in pixels: width fraction x aspect = height fraction.
  assert.ok(Math.abs((b.x1 - b.x0) * aspect - (b.y1 - b.y0)) < 1e-9);
  assert.ok(b.y1 - b.y0 >= 0.4 - 1e-9, 'at least minSide of the height');
  assert.equal(workRegion(new Float32Array(cols * rows), cols, rows, aspect), null);
  // A wider spread of change gives a wider box.
  const wide = workRegion(blob(4, 24, 4, 12), cols, rows, aspect)!;
  assert.ok(wide.x1 - wide.x0 > b.x1 - b.x0);
});

test('WorkRegionTracker: follows the change with a short memory, keeps its box through frames without change', () => {
  const t = new WorkRegionTracker(cols, rows, 16 / 9, 3);
  assert.deepEqual(t.next(new Float32Array(cols * rows)), WHOLE_PICTURE, 'before any change: the whole picture');
  const left = t.next(blob(1, 4, 6, 10));
  assert.ok(left.x1 < 0.5);
  assert.deepEqual(t.next(new Float32Array(cols * rows)), left, 'no change: the last box');
  t.next(blob(24, 27, 6, 10));
  t.next(blob(24, 27, 6, 10));
  const right = t.next(blob(24, 27, 6, 10));
  assert.ok(right.x0 > 0.5, 'after `window` frames on the right the box is there alone');
});

test('cropFrame: the pixels of a box of the picture region of a letterboxed frame', () => {
  const w = 8;
  const h = 8;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], 3 * (y * w + x));
  // Picture in rows 2..5 (a 8x4 strip), box = its right half.
  const c = cropFrame({ width: w, height: h, data }, { x0: 0.5, y0: 0, x1: 1, y1: 1 }, { x: 0, y: 2, width: 8, height: 4 });
  assert.equal(c.width, 4);
  assert.equal(c.height, 4);
  assert.deepEqual([...c.data.subarray(0, 3)], [4, 2, 7]);
  assert.deepEqual([...c.data.subarray(c.data.length - 3)], [7, 5, 7]);
});

test('hybrid-work with a region backbone: the backbone sees the crop where the scene changes, the vector is unit length', async () => {
  const W = 112;
  const H = 63;
  const seen: Array<{ w: number; h: number; bright: number }> = [];
  // A fake backbone that records what it was given: size and mean brightness.
  const backbone: FrameFeatureEmbedder = {
    name: 'probe',
    version: '1',
    dim: 4,
    frameDim: 2,
    embedClips: async () => [],
    embedFrames: async (frames: Frame[]) =>
      frames.map((f) => {
        let s = 0;
        for (const v of f.data) s += v;
        seen.push({ w: f.width, h: f.height, bright: s / f.data.length });
        return Float32Array.from([1, s / f.data.length]);
      }),
    combineClip: (feats) => poolClipFeatures(feats, { pooling: 'concat' }),
  };
  const flat: FrameFeatureEmbedder = { ...backbone, name: 'flat', embedFrames: async (fr) => fr.map(() => Float32Array.from([1, 0])) };
  const e = new SceneHybridEmbedder({ region: backbone, frame: flat, workWeight: 0.6 });
  assert.match(e.version, /^probe@1@work-region\+flat@1\+w0\.5\+motion@v1-d8-r3x2\+w0\.2\+work@/);
  const background: GreyImage = { width: W, height: H, data: new Float32Array(W * H).fill(40) };
  const per = e.forScene(background, { x: 0, y: 0, width: W, height: H });
  // The scene is grey 40; a white square appears in the top-right corner.
  const frameWithSquare = (): Frame => {
    const d = new Uint8Array(W * H * 3).fill(40);
    for (let y = 4; y < 20; y++) for (let x = 90; x < 106; x++) d.fill(255, 3 * (y * W + x), 3 * (y * W + x) + 3);
    return { width: W, height: H, data: d };
  };
  const feats = await per.embedFrames([frameWithSquare(), frameWithSquare()]);
  assert.equal(feats[0].length, per.frameDim);
  // The crop is square, smaller than the picture, and mostly the white square: far brighter than the frame.
  const last = seen[seen.length - 1];
  assert.equal(last.w, last.h);
  assert.ok(last.h < H);
  assert.ok(last.bright > 100, `crop brightness ${last.bright}`);
  const v = per.combineClip(feats);
  assert.equal(v.length, per.dim);
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
});

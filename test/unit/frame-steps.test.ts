import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextRows, detectStepsFromFrames } from '../../shared/steps/frame-steps.js';
import { detectSteps } from '../../shared/steps/change-points.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';
import { clipsEveryFrame } from '../helpers/vectors.js';

const FPS = 4;
const CLIP = 8; // frames: 2 s clips every frame, as ingest makes them

/** Short steps (2-3.5 s at 4 fps) as frames, and the 2 s clips ingest would pool from them. */
function video(seed: number) {
  const rng = makeRng(seed);
  const { models, lengths } = makeProcedure(rng, 6, 48, 8, 14);
  const v = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 0.5);
  const d = v.emb.dim;
  const frames = Array.from({ length: v.emb.rows }, (_, i) => v.emb.data.slice(i * d, (i + 1) * d));
  const c = clipsEveryFrame(v, CLIP, FPS);
  return { frames, clips: c.emb, times: c.times, truth: c.truthSec };
}

/** Mean distance from each true boundary to the nearest found step start. */
const error = (starts: number[], truth: number[]) => truth.reduce((a, b) => a + Math.min(...starts.map((s) => Math.abs(s - b))), 0) / truth.length;

test('contextRows: the mean of each frame and its neighbours, L2-normalised, shorter at the ends', () => {
  const f = [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(1, 1), Float32Array.of(3, 0)];
  const r = contextRows(f, 1);
  const row = (i: number) => Array.from(r.data.subarray(2 * i, 2 * i + 2));
  const unit = (x: number, y: number) => [x / Math.hypot(x, y), y / Math.hypot(x, y)];
  const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
  assert.ok(close(row(0), unit(1, 1)), `${row(0)}`);
  assert.ok(close(row(1), unit(2, 2)));
  assert.ok(close(row(2), unit(4, 2)));
  assert.ok(close(row(3), unit(4, 1)));
  assert.equal(contextRows([], 1).rows, 0);
});

test('steps of 2-3.5 s: frame rows find the boundaries that 2 s clips blur, and the steps tile the clips', () => {
  let frameErr = 0;
  let clipErr = 0;
  let found = 0;
  let total = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const v = video(seed * 13);
    const steps = detectStepsFromFrames(v.frames, FPS, v.times, v.clips.rows);
    // Tiling: contiguous clip ranges from the first clip to the last, times non-overlapping.
    assert.equal(steps[0].start_clip, 0);
    assert.equal(steps[steps.length - 1].end_clip, v.clips.rows);
    for (let k = 1; k < steps.length; k++) {
      assert.equal(steps[k].start_clip, steps[k - 1].end_clip);
      assert.ok(steps[k].start_sec >= steps[k - 1].end_sec - 1e-9);
    }
    const starts = steps.slice(1).map((s) => s.start_sec);
    frameErr += error(starts.length ? starts : [0], v.truth);
    found += v.truth.filter((b) => starts.some((s) => Math.abs(s - b) <= 0.5)).length;
    total += v.truth.length;
    const viaClips = detectSteps(v.clips, v.times).slice(1).map((s) => s.start_sec);
    clipErr += error(viaClips.length ? viaClips : [0], v.truth);
  }
  assert.ok(found >= 0.9 * total, `frame rows found ${found}/${total} boundaries within 0.5 s`);
  assert.ok(frameErr / 10 < 0.3, `frame rows: mean boundary error ${(frameErr / 10).toFixed(2)} s`);
  assert.ok(frameErr < 0.6 * clipErr, `frame rows ${(frameErr / 10).toFixed(2)} s against clips ${(clipErr / 10).toFixed(2)} s`);
});

test('no clips: no steps; a bad frame rate is an error', () => {
  assert.deepEqual(detectStepsFromFrames([], FPS, { start_sec: [], end_sec: [] }, 0), []);
  assert.throws(() => detectStepsFromFrames([Float32Array.of(1)], 0, { start_sec: [0], end_sec: [2] }, 1), /fps/);
});

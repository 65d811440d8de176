import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectChangePoints, detectSteps, overlapFromTimes, stepsFromBoundaries, STRICT_CHANGE_POINT_OPTIONS } from '../../shared/steps/change-points.js';
import { makeProcedure, makeRng, makeStepModel, render } from '../../shared/scoring/synthetic.js';
import { clipsEveryFrame } from '../helpers/vectors.js';

const DIM = 64;
// The synthetic procedures below have long steps (up to 80 clips) with slow motion and steps far
// more distinct than that motion (cosine ~0 between steps): the regime of the strict options,
// which keep such a moving step whole. The defaults are tuned for real video (short steps, weak
// boundaries, overlapping clips; see the last tests and docs/scoring.md) and over-segment here.
const STRICT = STRICT_CHANGE_POINT_OPTIONS;

function nearlyEqual(found: number[], truth: number[], tol = 1): boolean {
  return found.length === truth.length && truth.every((b, i) => Math.abs(b - found[i]) <= tol);
}

test('K noisy segments with motion: boundaries found within one clip, over many seeds', () => {
  let exact = 0;
  const cases: string[] = [];
  for (const noise of [0.3, 0.5]) {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = makeRng(seed * 31 + Math.round(noise * 100));
      const k = 3 + Math.floor(rng() * 18); // 3..20 steps
      const { models, lengths } = makeProcedure(rng, k, DIM, 4, 30);
      const v = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), noise);
      const truth = v.cuts.slice(1, -1);
      const found = detectChangePoints(v.emb, STRICT).boundaries;
      if (nearlyEqual(found, truth)) exact++;
      else cases.push(`noise=${noise} seed=${seed}: truth ${truth} found ${found}`);
    }
  }
  assert.equal(exact, 24, cases.join('\n'));
});

test('heavy noise: still close (at most one short step lost per sequence)', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rng = makeRng(seed + 500);
    const { models, lengths } = makeProcedure(rng, 8, DIM, 6, 25);
    const v = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 0.8);
    const truth = v.cuts.slice(1, -1);
    const found = detectChangePoints(v.emb, STRICT).boundaries;
    const hit = truth.filter((b) => found.some((f) => Math.abs(f - b) <= 1)).length;
    assert.ok(hit >= truth.length - 1, `seed ${seed}: truth ${truth} found ${found}`);
    assert.ok(found.length <= truth.length, `no spurious boundaries: ${found}`);
  }
});

test('a single step with motion (drift + periodic wobble) stays one step', () => {
  for (let seed = 1; seed <= 15; seed++) {
    const rng = makeRng(seed * 7);
    for (const [drift, wobble, noise] of [
      [0.5, 0.25, 0.2],
      [0.8, 0.3, 0.3],
      [0.8, 0, 0.1],
      [0.5, 0.25, 0.6],
    ]) {
      const model = makeStepModel(rng, DIM, drift, wobble);
      const clips = 20 + Math.floor(rng() * 60);
      const v = render(rng, [{ model, clips }], noise);
      const steps = detectSteps(v.emb, v.times, STRICT);
      assert.equal(steps.length, 1, `seed ${seed} drift ${drift} wobble ${wobble} noise ${noise}: ${steps.map((s) => s.start_clip)}`);
      assert.deepEqual([steps[0].start_clip, steps[0].end_clip], [0, clips]);
    }
  }
});

test('minimum step length is respected, even when it hides a shorter step', () => {
  const rng = makeRng(99);
  const { models } = makeProcedure(rng, 3, DIM, 1, 1);
  const v = render(rng, [{ model: models[0], clips: 12 }, { model: models[1], clips: 2 }, { model: models[2], clips: 12 }], 0.2);
  for (const minStepClips of [3, 5]) {
    const b = detectChangePoints(v.emb, { ...STRICT, minStepClips }).boundaries;
    const cuts = [0, ...b, v.emb.rows];
    for (let i = 1; i < cuts.length; i++) assert.ok(cuts[i] - cuts[i - 1] >= minStepClips, `${cuts}`);
  }
  // With minStepClips 2 the short step is found.
  const b2 = detectChangePoints(v.emb, { ...STRICT, minStepClips: 2 }).boundaries;
  assert.ok(nearlyEqual(b2, [12, 14]), `${b2}`);
});

test('deterministic, explicit penalty overrides, maxSteps keeps the strongest', () => {
  const rng = makeRng(5);
  const { models, lengths } = makeProcedure(rng, 6, DIM, 8, 16);
  const v = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 0.4);
  const a = detectChangePoints(v.emb);
  const b = detectChangePoints(v.emb);
  assert.deepEqual(a, b);
  assert.ok(nearlyEqual(a.boundaries, v.cuts.slice(1, -1)));
  const huge = detectChangePoints(v.emb, { penalty: 1e6 });
  assert.deepEqual(huge.boundaries, []);
  assert.equal(huge.penalty, 1e6);
  const three = detectChangePoints(v.emb, { maxSteps: 3 });
  assert.equal(three.boundaries.length, 2);
  assert.ok(three.boundaries.every((x) => a.boundaries.includes(x)));
});

test('steps carry names, clip ranges and seconds from clip times', () => {
  const times = { start_sec: [0, 0.5, 1, 1.5, 2, 2.5], end_sec: [1, 1.5, 2, 2.5, 3, 3.5] };
  const steps = stepsFromBoundaries([2, 4], 6, times);
  assert.deepEqual(steps, [
    // Each clip owns the time halfway to its neighbours' centres: steps meet, never overlap.
    { index: 0, name: 'Step 1', start_clip: 0, end_clip: 2, start_sec: 0, end_sec: 1.25 },
    { index: 1, name: 'Step 2', start_clip: 2, end_clip: 4, start_sec: 1.25, end_sec: 2.25 },
    { index: 2, name: 'Step 3', start_clip: 4, end_clip: 6, start_sec: 2.25, end_sec: 3.5 },
  ]);
  const rng = makeRng(1);
  const v = render(rng, [{ model: makeStepModel(rng, DIM), clips: 4 }], 0.3);
  assert.equal(detectSteps(v.emb, v.times).length, 1); // shorter than 2*minStepClips
  assert.throws(() => detectSteps(v.emb, { start_sec: [0], end_sec: [1] }), RangeError);
});

/** Pipeline-like clips: each clip pools two consecutive 1 s pieces (2 s clips every 1 s). */
function overlapping(v: ReturnType<typeof render>) {
  const { rows, dim, data } = v.emb;
  const n = rows - 1;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const t = data[i * dim + k] + data[(i + 1) * dim + k];
      out[i * dim + k] = t;
      s += t * t;
    }
    s = Math.sqrt(s);
    for (let k = 0; k < dim; k++) out[i * dim + k] /= s;
  }
  const times = { start_sec: Array.from({ length: n }, (_, i) => i), end_sec: Array.from({ length: n }, (_, i) => i + 2) };
  return { emb: { rows: n, dim, data: out }, times, truth: v.cuts.slice(1, -1) };
}

test('real-video regime (short steps, overlapping clips, noisy clips): defaults find every boundary; strict mode merges steps', () => {
  let strictMissed = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const rng = makeRng(seed * 13 + 7);
    const { models, lengths } = makeProcedure(rng, 6, DIM, 4, 8); // 4-8 s steps, like the demo
    const v = overlapping(render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 1.2)); // adjacent cosine ~0.7
    const found = detectSteps(v.emb, v.times).slice(1).map((s) => s.start_clip);
    const missed = v.truth.filter((b) => !found.some((f) => Math.abs(f - b) <= 1));
    assert.deepEqual(missed, [], `seed ${seed}: truth ${v.truth} found ${found}`);
    assert.ok(found.length <= v.truth.length + 2, `seed ${seed}: at most two extra splits: truth ${v.truth} found ${found}`);
    const strict = detectSteps(v.emb, v.times, STRICT).slice(1).map((s) => s.start_clip);
    strictMissed += v.truth.filter((b) => !strict.some((f) => Math.abs(f - b) <= 1)).length;
  }
  assert.ok(strictMissed > 0, 'strict mode is the wrong tool for this regime (it merges weak boundaries)');
});

test('overlap of clips is read from the clip times', () => {
  const t = (n: number, len: number, stride: number) => ({ start_sec: Array.from({ length: n }, (_, i) => i * stride), end_sec: Array.from({ length: n }, (_, i) => i * stride + len) });
  assert.equal(overlapFromTimes(t(20, 1, 1), 20), 0);
  assert.equal(overlapFromTimes(t(20, 2, 1), 20), 1);
  assert.equal(overlapFromTimes(t(20, 2, 0.5), 20), 3);
});

test('2 s clips every 0.25 s: kept boundaries are placed on the change (mean error at most one clip stride)', () => {
  let placed = 0;
  let unplaced = 0;
  let count = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const rng = makeRng(seed * 31 + 3);
    const { models, lengths } = makeProcedure(rng, 5, DIM, 16, 28); // steps of 4-7 s in frames at 4 fps
    const v = clipsEveryFrame(render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 1.2));
    const err = (opts: { placeWindow?: number }) => {
      const found = detectSteps(v.emb, v.times, opts).slice(1).map((s) => s.start_sec);
      return v.truthSec.map((t) => Math.min(...found.map((f) => Math.abs(f - t))));
    };
    const a = err({});
    const b = err({ placeWindow: 0 });
    placed += a.reduce((x, y) => x + y, 0);
    unplaced += b.reduce((x, y) => x + y, 0);
    count += a.length;
  }
  assert.ok(placed / count <= 0.25, `mean boundary error ${(placed / count).toFixed(3)} s (the fit's own cuts: ${(unplaced / count).toFixed(3)} s)`);
  // Placing never drifts a boundary that the fit already had right (a plateau of equal jumps would).
  assert.ok(placed / count <= unplaced / count + 0.1, `placed ${(placed / count).toFixed(3)} s against ${(unplaced / count).toFixed(3)} s`);
});

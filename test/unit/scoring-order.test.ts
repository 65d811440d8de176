import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSwaps, longestInOrder } from '../../shared/scoring/order.js';
import { resolveScoringOptions, DEFAULT_SCORING_OPTIONS } from '../../shared/scoring/options.js';
import { scoreAlignment } from '../../shared/scoring/score.js';

const seg = (step: number, start: number, len = 5) => ({ step, start, end: start + len - 1 });

test('in order: no swaps', () => {
  assert.deepEqual(findSwaps([seg(0, 0), seg(1, 5), seg(2, 10)], 0.5), []);
});

test('adjacent swap: one pair naming both, gold order first', () => {
  const r = findSwaps([seg(0, 0), seg(1, 10), seg(2, 5), seg(3, 15)], 0.5);
  assert.equal(r.length, 1);
  assert.deepEqual([r[0].first, r[0].second], [1, 2]);
  assert.deepEqual(r[0].partners.length, 1);
});

test('one step moved far: one finding on the moved step with all jumped steps', () => {
  // step 1 done after 2, 3, 4
  const r = findSwaps([seg(0, 0), seg(1, 20), seg(2, 5), seg(3, 10), seg(4, 15), seg(5, 25)], 0.5);
  assert.equal(r.length, 1);
  assert.equal(r[0].moved, 1);
  assert.deepEqual(r[0].partners, [2, 3, 4]);
  assert.deepEqual([r[0].first, r[0].second], [1, 2]);
});

test('overlapping matches are too ambiguous to call a swap', () => {
  assert.deepEqual(findSwaps([seg(0, 0), seg(1, 6, 6), seg(2, 5, 6)], 0.5), []);
});

test('LIS is deterministic and longest', () => {
  const keep = longestInOrder([seg(0, 0), seg(1, 30), seg(2, 10), seg(3, 20), seg(4, 40)]);
  assert.deepEqual([...keep].sort(), [0, 2, 3, 4]);
});

test('options: defaults, partial override of penalties', () => {
  const o = resolveScoringOptions({ passThreshold: 80, penalties: { rework: { low: 1 } } as never });
  assert.equal(o.passThreshold, 80);
  assert.equal(o.penalties.rework.low, 1);
  assert.equal(o.penalties.rework.high, DEFAULT_SCORING_OPTIONS.penalties.rework.high);
  assert.equal(o.deviationQuality, DEFAULT_SCORING_OPTIONS.deviationQuality);
});

test('input validation: steps must tile the gold', () => {
  const m = { rows: 4, dim: 2, data: new Float32Array([1, 0, 1, 0, 0, 1, 0, 1]) };
  const times = { start_sec: [0, 1, 2, 3], end_sec: [1, 2, 3, 4] };
  const bad = [{ index: 0, name: 'Step 1', start_clip: 0, end_clip: 3, start_sec: 0, end_sec: 3 }];
  assert.throws(() => scoreAlignment({ gold: m, goldTimes: times, goldSteps: bad, trainee: m, traineeTimes: times }), RangeError);
  const ok = [
    { index: 0, name: 'Step 1', start_clip: 0, end_clip: 2, start_sec: 0, end_sec: 2 },
    { index: 1, name: 'Step 2', start_clip: 2, end_clip: 4, start_sec: 2, end_sec: 4 },
  ];
  const r = scoreAlignment({ gold: m, goldTimes: times, goldSteps: ok, trainee: m, traineeTimes: times });
  assert.equal(r.score, 100);
  assert.equal(r.passed, true);
  assert.equal(r.breakdown.penalty_total, 0);
});

test('injected backend (shared/alignment dispatcher) gives the same outcome, from one cost matrix', async () => {
  const { costMatrix } = await import('../../shared/alignment/index.js');
  const { makeRng, makeProcedure, render } = await import('../../shared/scoring/synthetic.js');
  const { detectSteps } = await import('../../shared/steps/change-points.js');
  const rng = makeRng(77);
  const { models, lengths } = makeProcedure(rng, 6, 32, 6, 14);
  const g = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), 0.3);
  const t = render(rng, [1, 0, 2, 3, 5].map((i) => ({ model: models[i], clips: lengths[i] })), 0.3);
  const goldSteps = detectSteps(g.emb, g.times);
  assert.equal(goldSteps.length, 6);
  let calls = 0;
  const backend = { costMatrix: (a: typeof g.emb, b: typeof g.emb) => (calls++, costMatrix(a, b)) };
  const input = { gold: g.emb, goldTimes: g.times, goldSteps, trainee: t.emb, traineeTimes: t.times };
  const ref = scoreAlignment(input);
  const viaBackend = scoreAlignment({ ...input, backend });
  assert.equal(calls, 1, 'one gold x trainee cost matrix serves both alignments');
  assert.deepEqual(viaBackend.deviations, ref.deviations);
  assert.equal(viaBackend.score, ref.score);
  assert.deepEqual(ref.deviations.map((d) => d.type).sort(), ['missing_step', 'order_swap']);
});

test('preCentered: inputs centred once in place by the caller give exactly the engine\'s own result', async () => {
  const { makeProcedure, makeRng, render } = await import('../../shared/scoring/synthetic.js');
  const { centerRowsInPlace, rowMean } = await import('../../shared/scoring/index.js');
  const rng = makeRng(11);
  const proc = makeProcedure(rng, 6, 48, 5, 9);
  const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
  const order = [0, 1, 3, 2, 4, 5]; // a swap, so there is something to report
  const tr = render(rng, order.map((k) => ({ model: proc.models[k], clips: proc.lengths[k] })), 0.3);
  const steps = gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] }));
  const plain = scoreAlignment({ gold: gold.emb, goldTimes: gold.times, goldSteps: steps, trainee: tr.emb, traineeTimes: tr.times });
  const copy = (m: typeof gold.emb) => ({ ...m, data: new Float32Array(m.data) });
  const g = copy(gold.emb);
  const t = copy(tr.emb);
  const mean = rowMean(g);
  centerRowsInPlace(g, mean);
  centerRowsInPlace(t, mean);
  const opts = { preCentered: true };
  const pre = scoreAlignment({ gold: g, goldTimes: gold.times, goldSteps: steps, trainee: t, traineeTimes: tr.times }, opts);
  assert.ok(plain.deviations.some((d) => d.type === 'order_swap'));
  assert.deepEqual(pre, plain);
});

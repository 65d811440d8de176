/**
 * The visits method (score-visits.ts, visits.ts): one alignment with drops, free forward skips
 * and paid jumps back. The alignment itself on hand-made cost matrices, then the synthetic
 * procedures of scoring-scenarios.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignWithDrops, stepVisits } from '../../shared/scoring/visits.js';
import { scoreAlignment } from '../../shared/scoring/score.js';
import { makeProcedure, makeStepModel, mixStepModels, render, type Piece } from '../../shared/scoring/synthetic.js';
import type { GoldStep, ScoreOutcome } from '../../shared/scoring/types.js';
import { DIM, makeCase, ofType, pieces, scenario, SEEDS, show, type Case } from '../helpers/scoring-cases.js';

/** n x m cost: 0 where trainee row j shows gold row map[j], 1 elsewhere (map[j] = -1: nothing). */
function costOf(n: number, map: number[]): Float32Array {
  const m = map.length;
  const c = new Float32Array(n * m).fill(1);
  map.forEach((i, j) => i >= 0 && (c[i * m + j] = 0));
  return c;
}
const steps = (cuts: number[]): GoldStep[] =>
  cuts.slice(0, -1).map((a, k) => ({ index: k, name: `S${k}`, start_clip: a, end_clip: cuts[k + 1], start_sec: a, end_sec: cuts[k + 1] }));

test('alignWithDrops: in order, a left-out block skipped, foreign rows dropped, a block done later reached by a jump back', () => {
  const costs = { drop: 0.6, jump: 2 };
  assert.deepEqual(Array.from(alignWithDrops(costOf(6, [0, 1, 2, 3, 4, 5]), 6, 6, costs)), [0, 1, 2, 3, 4, 5]);
  // gold rows 2-3 never shown: skipped for free
  assert.deepEqual(Array.from(alignWithDrops(costOf(6, [0, 1, 4, 5]), 6, 4, costs)), [0, 1, 4, 5]);
  // two foreign rows in the middle: dropped, not forced onto a step
  assert.deepEqual(Array.from(alignWithDrops(costOf(4, [0, 1, -1, -1, 2, 3]), 4, 6, costs)), [0, 1, -1, -1, 2, 3]);
  // rows 0-1, then 6-9, then 2-5 (done after the later ones): one jump back (2) beats dropping four rows (2.4)
  const late = [0, 1, 6, 7, 8, 9, 2, 3, 4, 5];
  assert.deepEqual(Array.from(alignWithDrops(costOf(10, late), 10, 10, costs)), late);
  // ...but not when the jump costs more than the rows it explains: one block is dropped, in order
  const a = Array.from(alignWithDrops(costOf(10, late), 10, 10, { drop: 0.6, jump: 5 }));
  const kept = a.filter((i) => i >= 0);
  assert.equal(kept.length, 6);
  assert.ok(kept.every((i, x) => x === 0 || i >= kept[x - 1]), a.join(','));
  assert.throws(() => alignWithDrops(new Float32Array(0), 0, 3, costs), RangeError);
});

test('stepVisits: runs on one step; a step restarted from its beginning is a second visit', () => {
  const st = steps([0, 4, 8]);
  const map = [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7];
  const v = stepVisits(Int32Array.from(map), costOf(8, map), map.length, st);
  assert.deepEqual(v.map((x) => [x.step, x.start, x.end, x.rows]), [[0, 0, 3, 4], [0, 4, 7, 4], [1, 8, 11, 4]]);
  assert.ok(v.every((x) => x.similarity === 1));
  // dropped rows inside a run belong to it
  const d = stepVisits(Int32Array.from([0, -1, 1, 2, 4]), costOf(8, [0, -1, 1, 2, 4]), 5, st);
  assert.deepEqual(d.map((x) => [x.step, x.start, x.end, x.rows]), [[0, 0, 3, 3], [1, 4, 4, 1]]);
});

function score(c: Case, p: Piece[], noise = c.noise): ScoreOutcome {
  const t = render(c.rng, p, noise);
  return scoreAlignment({ gold: c.gold.emb, goldTimes: c.gold.times, goldSteps: c.steps, trainee: t.emb, traineeTimes: t.times });
}

test('visits: the gold against itself and correct runs at 0.7x-1.4x pass with nothing above low', () => {
  for (const seed of SEEDS) {
    const c = makeCase(seed);
    const self = scoreAlignment({ gold: c.gold.emb, goldTimes: c.gold.times, goldSteps: c.steps, trainee: c.gold.emb, traineeTimes: c.gold.times });
    assert.ok(self.passed && self.score >= 95 && self.deviations.length === 0, show(self));
    for (const speed of [0.7, 1, 1.4]) {
      const r = score(c, pieces(c, speed));
      assert.ok(r.passed, `seed ${seed} speed ${speed}: ${show(r)}`);
      assert.equal(r.deviations.filter((d) => d.severity !== 'low').length, 0, `seed ${seed} speed ${speed}: ${show(r)}`);
    }
  }
});

test('visits: a left-out step is missing (the first and the last too); nothing else is', () => {
  for (const seed of SEEDS) {
    const c = makeCase(seed);
    for (const k of [0, c.k, c.steps.length - 1]) {
      const r = score(c, scenario.without(c, k));
      const miss = ofType(r, 'missing_step');
      assert.deepEqual(miss.map((d) => d.gold_step?.index), [k], `seed ${seed} step ${k}: ${show(r)}`);
      assert.equal(r.passed, false);
    }
  }
});

test('visits: swapped steps are one order_swap naming both; a step done after later ones is a swap on it', () => {
  for (const seed of SEEDS) {
    const c = makeCase(seed);
    const r = score(c, scenario.swapped(c, c.k, c.k + 1));
    const [sw, ...more] = ofType(r, 'order_swap');
    assert.ok(sw && more.length === 0 && ofType(r, 'missing_step').length === 0 && !r.passed, `seed ${seed}: ${show(r)}`);
    assert.deepEqual([sw.gold_step?.index, sw.other_step?.index], [c.k, c.k + 1]);
  }
});

test('visits: a slowed step is over_time on it; a step repeated later is rework on it; both fail', () => {
  for (const seed of SEEDS) {
    const c = makeCase(seed);
    const r = score(c, scenario.slowed(c, c.k, 2.5));
    assert.deepEqual(ofType(r, 'over_time').map((d) => d.gold_step?.index), [c.k], `seed ${seed} slow: ${show(r)}`);
    assert.equal(ofType(r, 'missing_step').length + ofType(r, 'rework').length, 0, `seed ${seed} slow: ${show(r)}`);
    const a = score(c, scenario.repeatedLater(c, c.k));
    assert.deepEqual(ofType(a, 'rework').map((d) => d.gold_step?.index), [c.k], `seed ${seed} repeat: ${show(a)}`);
    assert.equal(ofType(a, 'missing_step').length, 0, `seed ${seed} repeat: ${show(a)}`);
    assert.equal(a.passed, false, `seed ${seed} repeat: ${show(a)}`);
  }
});

test('visits: a step replaced by other footage is missing or done differently, and fails; an unrelated video fails', () => {
  for (const seed of SEEDS.slice(0, 4)) {
    const c = makeCase(seed);
    const p = pieces(c);
    p[c.k] = { ...p[c.k], model: makeStepModel(c.rng, DIM) };
    const r = score(c, p);
    const on = r.deviations.filter((d) => d.gold_step?.index === c.k && (d.type === 'missing_step' || d.type === 'step_deviation'));
    assert.equal(on.length, 1, `seed ${seed}: ${show(r)}`);
    assert.equal(r.passed, false);
    const other = makeProcedure(c.rng, c.steps.length, DIM, 5, 20);
    const u = score(c, other.models.map((model, i) => ({ model, clips: c.lengths[i] })));
    assert.ok(u.score < 30 && !u.passed, `seed ${seed} unrelated: ${show(u)}`);
  }
});

test('visits: a run with every step a little wrong passes on its own level, and fails against the level of accepted runs; correct runs still pass', () => {
  for (const seed of SEEDS.slice(0, 4)) {
    const c = makeCase(seed);
    const correct = score(c, pieces(c));
    const accepted = correct.breakdown.pair_level_similarity;
    const wrong = pieces(c).map((p, i) => ({ ...p, model: mixStepModels(c.models[i], makeStepModel(c.rng, DIM), 0.5) }));
    const tw = render(c.rng, wrong, c.noise);
    const input = { gold: c.gold.emb, goldTimes: c.gold.times, goldSteps: c.steps, trainee: tw.emb, traineeTimes: tw.times };
    // The known limit (docs/scoring.md): the pair's own level forgives it...
    assert.equal(scoreAlignment(input).passed, true, `seed ${seed}: expected the documented limit`);
    // ...the level of accepted runs does not.
    const withRef = { visitAcceptedLevel: accepted, visitAcceptedRuns: 3 };
    const r = scoreAlignment(input, withRef);
    assert.equal(r.passed, false, `seed ${seed}: ${show(r)}`);
    assert.ok(ofType(r, 'step_deviation').length >= Math.ceil(c.steps.length / 2), `seed ${seed}: ${show(r)}`);
    assert.equal(r.breakdown.accepted_level_similarity, Math.round(accepted * 1000) / 1000);
    const again = scoreAlignment({ ...input, ...(() => { const t = render(c.rng, pieces(c), c.noise); return { trainee: t.emb, traineeTimes: t.times }; })() }, withRef);
    assert.ok(again.passed, `seed ${seed} correct with the reference: ${show(again)}`);
  }
});

/**
 * Per-step tolerances learned from accepted runs (shared/scoring/step-tolerances.ts): the fit's
 * statistics and caps on hand-made step rows, then their effect on the visits method with the
 * synthetic procedures of the scoring tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STEP_FIT, fitStepTolerances, judgeStep, robustSpread, toleranceSet, type RunStepRow } from '../../shared/scoring/step-tolerances.js';
import { resolveScoringOptions } from '../../shared/scoring/options.js';
import { scoreAlignment } from '../../shared/scoring/score.js';
import { makeStepModel, mixStepModels, render, type Piece } from '../../shared/scoring/synthetic.js';
import type { ScoreOutcome } from '../../shared/scoring/types.js';
import { applyTaskRules, type TaskStepRule } from '../../shared/scoring/task-rules.js';
import { DIM, makeCase, ofType, pieces, scenario, SEEDS, show, type Case } from '../helpers/scoring-cases.js';

const GOLD = [
  { index: 0, start_sec: 0, end_sec: 10 },
  { index: 1, start_sec: 10, end_sec: 20 },
];
/** One run: step 0 at ratio r0 / quality q0, step 1 at r1 / q1. */
const run = (r0: number | null, q0: number, r1: number | null = 1, q1 = 1): RunStepRow[] => [
  { index: 0, gold: { start_sec: 0, end_sec: 10 }, duration_ratio: r0, match_quality: q0 },
  { index: 1, gold: { start_sec: 10, end_sec: 20 }, duration_ratio: r1, match_quality: q1 },
];

test('robustSpread: MAD x 1.4826, one outlier barely moves it; 0 for fewer than two values', () => {
  assert.equal(robustSpread([1, 2, 3, 4, 100]), 1.4826);
  assert.equal(robustSpread([5]), 0);
  assert.equal(robustSpread([2, 2, 2]), 0);
});

test('fit: a step accepted runs take 1.8x gets a limit above them, capped at 1.1 x the slowest; the default stays for a normal step', () => {
  const fit = fitStepTolerances(GOLD, [1.75, 1.8, 1.85, 1.8, 1.82].map((r) => run(r, 0.9)));
  const [s0, s1] = fit.steps;
  assert.equal(fit.runs, 5);
  assert.deepEqual(s0.duration_ratio, { median: 1.8, spread: 0.03, max: 1.85 });
  // spread max(0.0297, 0.05 x 1.8) = 0.09: 1.8 + 3 x 0.09 = 2.07, capped at 1.1 x 1.85 = 2.035
  assert.equal(s0.over_time_ratio, 2.035);
  assert.equal(s0.expected_quality, 0.9);
  // every run at 1x: the default 1.5 (a learned limit never tightens it); quality 1
  assert.equal(s1.over_time_ratio, DEFAULT_STEP_FIT.baseRatio);
  assert.equal(s1.expected_quality, 1);
});

test('fit: one wild accepted run does not raise the limit; widely spread runs are capped by the slowest one', () => {
  const wild = fitStepTolerances(GOLD, [1.0, 1.05, 1.1, 1.0, 9.0].map((r) => run(r, 1)));
  assert.equal(wild.steps[0].duration_ratio?.max, 9);
  assert.equal(wild.steps[0].over_time_ratio, 1.5, 'median 1.05 + 3 x 0.074 is under the default');
  const spread = fitStepTolerances(GOLD, [1.0, 2.0, 3.0].map((r) => run(r, 1)));
  // 2 + 3 x 1.4826 = 6.45 would let a 6x run pass that no reviewer ever saw: capped at 3.3
  assert.equal(spread.steps[0].over_time_ratio, 3.3);
});

test('fit: fewer than minRuns done observations (left out, another gold time range) learn nothing; quality above 1 is clamped', () => {
  const other = run(1.9, 0.5).map((r) => ({ ...r, gold: { start_sec: 0, end_sec: 12 } })); // the step was re-cut since
  const fit = fitStepTolerances(GOLD, [run(1.9, 0.5), run(1.9, 0.5), run(null, 0), other]);
  const s0 = fit.steps[0];
  assert.equal(s0.n, 2);
  assert.equal(s0.over_time_ratio, undefined);
  assert.equal(s0.expected_quality, undefined);
  assert.equal(fit.steps[1].n, 3);
  const high = fitStepTolerances(GOLD, [1.1, 1.2, 1.3].map((q) => run(1, q)));
  assert.equal(high.steps[0].expected_quality, 1);
  // the engine's view keeps learned steps whose gold time range is still the gold's
  const set = toleranceSet(high, 4, [{ index: 0, start_sec: 0, end_sec: 10 }, { index: 1, start_sec: 10, end_sec: 21 }]);
  assert.deepEqual(set, { version: 4, runs: 3, steps: [{ index: 0, runs: 3, overTimeRatio: 1.5, expectedQuality: 1 }] });
});

test('judgeStep: quality against what accepted runs reach, never below the floor; over_time ladder scaled with the limit', () => {
  const o = resolveScoringOptions({ stepTolerances: { version: 2, runs: 5, steps: [{ index: 0, runs: 5, expectedQuality: 0.7, overTimeRatio: 2.1 }, { index: 1, runs: 5, expectedQuality: 0.2 }] } });
  const a = judgeStep(o, 0, 0.7);
  assert.equal(a.q, 1);
  assert.deepEqual([a.o.overTimeFactor, a.o.overTimeMediumFactor, a.o.overTimeHighFactor], [2.1, 2.8, 4.2]);
  assert.deepEqual(a.qualityEvidence, { step_model_version: 2, step_model_runs: 5, expected_quality: 0.7, adjusted_match_quality: 1 });
  assert.deepEqual(a.row, { model_version: 2, runs: 5, over_time_ratio: 2.1, expected_quality: 0.7, adjusted_match_quality: 1 });
  // accepted runs reach 0.2 on step 1: judged against the floor 0.6, so 0.2 is still 0.33 (a high deviation)
  const b = judgeStep(o, 1, 0.2);
  assert.ok(Math.abs(b.q - 0.2 / 0.6) < 1e-9 && b.q < o.deviationHighQuality);
  assert.equal(b.o, o, 'no learned limit: the default over_time limits');
  assert.deepEqual(b.timeEvidence, {});
  const none = judgeStep(o, 7, 0.5);
  assert.deepEqual([none.q, none.row, none.qualityEvidence], [0.5, undefined, {}]);
});

// --- The effect on the visits method -----------------------------------------------------------

const VISITS = { method: 'visits' } as const;
function score(c: Case, p: Piece[], extra: Record<string, unknown> = {}): ScoreOutcome {
  const t = render(c.rng, p, c.noise);
  return scoreAlignment({ gold: c.gold.emb, goldTimes: c.gold.times, goldSteps: c.steps, trainee: t.emb, traineeTimes: t.times }, { ...VISITS, ...extra });
}
/** The engine's tolerances fitted from these accepted outcomes' step rows (version 1). */
const learn = (c: Case, accepted: ScoreOutcome[]) =>
  toleranceSet(fitStepTolerances(c.steps.map((g) => ({ index: g.index, start_sec: g.start_sec, end_sec: g.end_sec })), accepted.map((r) => r.steps)), 1, c.steps);

test('visits with a step model: a step accepted runs always take 1.8x is no longer over_time at 1.8x, a 3x one still is (and names the model)', () => {
  for (const seed of SEEDS.slice(0, 4)) {
    const c = makeCase(seed);
    const slow = () => score(c, scenario.slowed(c, c.k, 1.8));
    const before = slow();
    assert.deepEqual(ofType(before, 'over_time').map((d) => d.gold_step?.index), [c.k], `seed ${seed} before: ${show(before)}`);
    const stepTolerances = learn(c, [slow(), slow(), slow(), slow()]);
    const after = score(c, scenario.slowed(c, c.k, 1.8), { stepTolerances });
    assert.equal(ofType(after, 'over_time').length, 0, `seed ${seed} after: ${show(after)}`);
    assert.ok(after.passed, `seed ${seed} after: ${show(after)}`);
    assert.equal(after.breakdown.step_model_version, 1);
    assert.ok(after.steps[c.k].tolerance && after.steps[c.k].tolerance!.over_time_ratio > 1.8, JSON.stringify(after.steps[c.k]));
    const far = score(c, scenario.slowed(c, c.k, 3), { stepTolerances });
    const ot = ofType(far, 'over_time');
    assert.deepEqual(ot.map((d) => d.gold_step?.index), [c.k], `seed ${seed} 3x: ${show(far)}`);
    assert.equal(ot[0].evidence.step_model_version, 1);
    assert.equal(ot[0].evidence.step_model_runs, 4);
    assert.equal(ot[0].evidence.default_threshold_ratio, 1.5);
    assert.equal(far.passed, false);
    // other steps keep the default: a 1.8x on another step is still over time
    const j = c.k === 1 ? 2 : 1;
    if (j < c.steps.length - 1) assert.deepEqual(ofType(score(c, scenario.slowed(c, j, 1.8), { stepTolerances }), 'over_time').map((d) => d.gold_step?.index), [j]);
  }
});

test('visits with a step model: a step accepted runs always match weakly is judged against them; a run with every step a little wrong still fails', () => {
  let exercised = 0;
  for (const seed of SEEDS.slice(0, 4)) {
    const c = makeCase(seed);
    // Accepted runs do step k their own way (the gold's is one of several accepted ways).
    const own = mixStepModels(c.models[c.k], makeStepModel(c.rng, DIM), 0.6);
    const variant = () => pieces(c).map((p, i) => (i === c.k ? { ...p, model: own } : p));
    const base = score(c, variant());
    const dev = (r: ScoreOutcome) => ofType(r, 'step_deviation').filter((d) => d.gold_step?.index === c.k);
    if (!dev(base).length) continue; // this seed's mix still matches: nothing to learn
    exercised++;
    const accepted = [base, score(c, variant()), score(c, variant()), score(c, variant())];
    const stepTolerances = learn(c, accepted);
    const level = { visitAcceptedLevel: accepted[0].breakdown.pair_level_similarity, visitAcceptedRuns: 4 };
    const after = score(c, variant(), { stepTolerances, ...level });
    assert.equal(dev(after).length, 0, `seed ${seed}: ${show(after)}`);
    const row = after.steps[c.k];
    assert.ok(row.tolerance!.adjusted_match_quality > row.match_quality!, 'the uncalibrated quality stays in the row');
    // every step a little wrong (as in scoring-visits.test.ts): the other steps' expected quality is the gold's
    const wrong = pieces(c).map((p, i) => ({ ...p, model: mixStepModels(c.models[i], makeStepModel(c.rng, DIM), 0.5) }));
    const w = score(c, wrong, { stepTolerances, ...level });
    assert.equal(w.passed, false, `seed ${seed} all wrong: ${show(w)}`);
    assert.ok(ofType(w, 'step_deviation').length >= Math.ceil(c.steps.length / 2), `seed ${seed} all wrong: ${show(w)}`);
  }
  assert.ok(exercised >= 3, `only ${exercised} seeds had a weak step k`);
});

test("visits with a step model: a supervisor's per-step limit wins over the learned one, both ways", () => {
  const c = makeCase(2);
  const slow = (f: number) => score(c, scenario.slowed(c, c.k, f));
  const stepTolerances = learn(c, [slow(1.8), slow(1.8), slow(1.8)]);
  const goldSec = c.steps[c.k].end_sec - c.steps[c.k].start_sec;
  const rules = (max: number) => ({
    task_id: 't', task_version: 1, pass_threshold: 70,
    steps: [{ index: c.k, name: c.steps[c.k].name, optional: false, critical: false, max_duration_sec: max, min_duration_sec: null, order_group: null } satisfies TaskStepRule],
  });
  const engine = resolveScoringOptions();
  // learned: 1.8x is fine; the supervisor says at most 1.2x the gold
  const tight = applyTaskRules(score(c, scenario.slowed(c, c.k, 1.8), { stepTolerances }), rules(1.2 * goldSec), engine);
  assert.deepEqual(ofType(tight, 'over_time').map((d) => d.evidence.rule), ['task_max_duration'], show(tight));
  // learned: 3x is over time; the supervisor allows 5x
  const far = score(c, scenario.slowed(c, c.k, 3), { stepTolerances });
  assert.equal(ofType(far, 'over_time').length, 1, show(far));
  assert.equal(ofType(applyTaskRules(far, rules(5 * goldSec), engine), 'over_time').length, 0);
});

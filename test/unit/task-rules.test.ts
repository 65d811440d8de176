import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTaskRules, type TaskStepRule } from '../../shared/scoring/task-rules.js';
import { DEFAULT_SCORING_OPTIONS } from '../../shared/scoring/options.js';
import type { Deviation, ScoreOutcome, StepRow } from '../../shared/scoring/types.js';

const ref = (index: number) => ({ index, name: `S${index}`, start_sec: index * 10, end_sec: index * 10 + 10 });
const row = (index: number, trainee: [number, number] | null): StepRow => ({
  index,
  name: `S${index}`,
  gold: { start_sec: index * 10, end_sec: index * 10 + 10, start_clip: index * 5, end_clip: index * 5 + 5 },
  trainee: trainee ? { start_sec: trainee[0], end_sec: trainee[1], start_clip: 0, end_clip: 1 } : null,
  mean_similarity: trainee ? 0.9 : null,
  duration_ratio: trainee ? (trainee[1] - trainee[0]) / 10 : null,
});
const dev = (type: Deviation['type'], severity: Deviation['severity'], step: number, other?: number): Deviation => ({
  type,
  severity,
  gold_step: ref(step),
  other_step: other === undefined ? undefined : ref(other),
  trainee: null,
  evidence: {},
  message: `${type} on S${step}`,
});
/** An engine outcome whose score is step_score - penalties, as the engine sums it. */
function outcome(deviations: Deviation[], steps: StepRow[], base = 95): ScoreOutcome {
  const penalty = deviations.reduce((s, d) => s + DEFAULT_SCORING_OPTIONS.penalties[d.type][d.severity], 0);
  return { score: Math.max(0, base - penalty), passed: false, deviations, steps, path: [], breakdown: { step_score: base, penalty_total: penalty } };
}
const rule = (index: number, o: Partial<TaskStepRule> = {}): TaskStepRule => ({ index, name: `S${index}`, optional: false, critical: false, max_duration_sec: null, min_duration_sec: null, order_group: null, ...o });
const rules = (steps: TaskStepRule[] | null, pass_threshold = 70) => ({ task_id: 't', task_version: 3, pass_threshold, steps });
const steps = [row(0, [0, 10]), row(1, null), row(2, [20, 30]), row(3, [30, 40])];

test('an optional step left out is information, not missing_step, and does not fail the run', () => {
  const o = outcome([dev('missing_step', 'high', 1)], steps);
  assert.equal(applyTaskRules(o, rules(null), DEFAULT_SCORING_OPTIONS).passed, false, 'without the rule: blocked');
  const r = applyTaskRules(o, rules([rule(1, { optional: true })]), DEFAULT_SCORING_OPTIONS);
  assert.deepEqual(r.deviations, []);
  assert.equal(r.passed, true);
  assert.equal(r.score, 95, 'its penalty is given back');
  assert.equal(r.information[0].type, 'optional_step_skipped');
  assert.equal(r.engine.passed, false);
  assert.deepEqual(r.verdict.reasons, []);
  assert.equal(r.verdict.task_version, 3);
});

test('any deviation of a critical step fails the run, even one that never blocks', () => {
  const o = outcome([dev('rework', 'low', 2)], steps);
  assert.equal(applyTaskRules(o, rules([rule(0)]), DEFAULT_SCORING_OPTIONS).passed, true, 'rework of a normal step does not block');
  const r = applyTaskRules(o, rules([rule(2, { critical: true })]), DEFAULT_SCORING_OPTIONS);
  assert.equal(r.passed, false);
  assert.deepEqual(r.verdict.blocking, [0]);
  assert.match(r.verdict.reasons[0], /step 3 \(S2\) is critical/);
  assert.match(r.verdict.rule, /critical step \(step 3 \(S2\)\)/);
});

test('steps of one order group may come in any order; a swap across groups still counts', () => {
  const o = outcome([dev('order_swap', 'medium', 2, 3)], steps);
  const same = applyTaskRules(o, rules([rule(2, { order_group: 'g' }), rule(3, { order_group: 'g' })]), DEFAULT_SCORING_OPTIONS);
  assert.deepEqual(same.deviations, []);
  assert.equal(same.passed, true);
  assert.equal(same.information[0].type, 'order_allowed');
  const other = applyTaskRules(o, rules([rule(2, { order_group: 'g' }), rule(3, { order_group: 'h' })]), DEFAULT_SCORING_OPTIONS);
  assert.equal(other.deviations.length, 1);
  assert.equal(other.passed, false);
});

test("max_duration_sec decides over_time for its step: the engine's is replaced", () => {
  const o = outcome([dev('over_time', 'low', 0)], steps);
  const lenient = applyTaskRules(o, rules([rule(0, { max_duration_sec: 12 })]), DEFAULT_SCORING_OPTIONS);
  assert.deepEqual(lenient.deviations, [], '10 s is within the task limit of 12 s');
  assert.equal(lenient.passed, true);
  const strict = applyTaskRules(outcome([], steps), rules([rule(2, { max_duration_sec: 5 })]), DEFAULT_SCORING_OPTIONS);
  assert.equal(strict.deviations.length, 1);
  assert.deepEqual([strict.deviations[0].type, strict.deviations[0].severity], ['over_time', 'high'], '10 s is 2x the limit');
  assert.equal(strict.score, 95 - DEFAULT_SCORING_OPTIONS.penalties.over_time.high);
  assert.equal(strict.passed, false, 'over_time blocks at any severity');
  const short = applyTaskRules(outcome([], steps), rules([rule(3, { min_duration_sec: 15 })]), DEFAULT_SCORING_OPTIONS);
  assert.equal(short.deviations[0].type, 'step_deviation');
  assert.match(short.deviations[0].message, /under the task's minimum of 15 s/);
});

test("the task's threshold decides, and the verdict says why in words", () => {
  const r = applyTaskRules(outcome([], steps, 80), rules(null, 85), DEFAULT_SCORING_OPTIONS);
  assert.equal(r.passed, false);
  assert.deepEqual(r.verdict.reasons, ['The score 80 is below the threshold 85.']);
  assert.match(r.verdict.rule, /^A pass needs a score of at least 85 and no blocking deviation: a missing step of medium severity or more;/);
  assert.equal(r.verdict.step_rules_applied, false);
});

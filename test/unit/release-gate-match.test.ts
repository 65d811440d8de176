import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestOf, planDemo } from '../../shared/demo/plan.js';
import { checkVariant, failedRunCheck, formatGateTable, goldStepSpans, iou, onStep, type NamedSpan, type ScoreLike } from '../../cli/release-gate.js';

const manifest = manifestOf(planDemo({ seed: 1 }));
const spans = goldStepSpans(manifest);
const variant = (name: keyof typeof manifest.variants) => ({ variant: name, expect_pass: manifest.variants[name].expect_pass, planted: manifest.variants[name].planted });
const plantedStep = (name: keyof typeof manifest.variants, i = 0, j = 0) => manifest.variants[name].planted[i].steps[j];

/** A detected gold step standing for generator step i, with its boundaries moved by (ds, de) seconds. */
function detected(i: number, ds = 0, de = 0, index = i) {
  const s = spans[i];
  return { index, name: `step ${index}`, start_sec: s.start_sec + ds, end_sec: s.end_sec + de };
}
type D = ScoreLike['deviations'][number];
const dev = (type: D['type'], severity: D['severity'], gold_step: D['gold_step'], other_step: D['other_step'] = null): D => ({ type, severity, gold_step, other_step });
const score = (passed: boolean, deviations: D[], s = passed ? 90 : 40): ScoreLike => ({ score: s, passed, deviations });

test('gold step spans come from the gold timeline, in step order, back to back', () => {
  assert.equal(spans.length, 6);
  spans.forEach((s, i) => assert.equal(s.index, i));
  assert.equal(spans[0].start_sec, 0);
  for (let i = 1; i < spans.length; i++) assert.equal(spans[i].start_sec, spans[i - 1].end_sec);
});

test('onStep: centre inside or IoU >= 0.5; a neighbouring step does not count', () => {
  const p = { start_sec: 10, end_sec: 20 };
  assert.equal(iou(p, p), 1);
  assert.equal(onStep({ start_sec: 11, end_sec: 21 }, p), true); // boundaries a little off
  assert.equal(onStep({ start_sec: 10, end_sec: 13 }, p), true); // first part of a split step (centre inside)
  assert.equal(onStep({ start_sec: 4, end_sec: 18 }, p), true); // centre 11 inside
  assert.equal(onStep({ start_sec: 20, end_sec: 30 }, p), false); // the next step
  assert.equal(onStep({ start_sec: 2, end_sec: 16 }, p), false); // centre 9 outside, IoU 6/18
  assert.equal(onStep(null, p), false);
});

test('correct: passes with no or minor deviations', () => {
  assert.deepEqual(checkVariant(variant('correct'), score(true, []), spans).problems, []);
  const c = checkVariant(variant('correct'), score(true, [dev('over_time', 'low', detected(2)), dev('step_deviation', 'medium', detected(4))]), spans);
  assert.equal(c.ok, true);
  assert.equal(c.expected, 'pass');
});

test('correct: a FAIL verdict, any missing/swap, or a high-severity deviation fails the gate', () => {
  const failed = checkVariant(variant('correct'), score(false, []), spans);
  assert.equal(failed.ok, false);
  assert.match(failed.problems[0], /expected PASS, got FAIL/);
  const missing = checkVariant(variant('correct'), score(true, [dev('missing_step', 'low', detected(3))]), spans);
  assert.equal(missing.ok, false);
  assert.match(missing.problems[0], /correct performance reported low missing_step/);
  const swap = checkVariant(variant('correct'), score(true, [dev('order_swap', 'medium', detected(1), detected(2))]), spans);
  assert.equal(swap.ok, false);
  const high = checkVariant(variant('correct'), score(true, [dev('step_deviation', 'high', detected(4))]), spans);
  assert.equal(high.ok, false);
  assert.match(high.problems[0], /spurious high-severity/);
});

test('missing: the planted step reported as missing_step (by time, whatever the detected index) passes', () => {
  const m = plantedStep('missing');
  // Detection numbered it differently and put the boundaries 0.6 s off: still the same step.
  const c = checkVariant(variant('missing'), score(false, [dev('missing_step', 'high', detected(m, 0.6, -0.4, 7))]), spans);
  assert.deepEqual(c.problems, []);
  assert.equal(c.ok, true);
});

test('missing: detection split the planted step in two; missing_step on both parts passes', () => {
  const m = plantedStep('missing');
  const s = spans[m];
  const mid = (s.start_sec + s.end_sec) / 2;
  const a = { index: m, name: 'a', start_sec: s.start_sec, end_sec: mid };
  const b = { index: m + 1, name: 'b', start_sec: mid, end_sec: s.end_sec };
  const c = checkVariant(variant('missing'), score(false, [dev('missing_step', 'high', a), dev('missing_step', 'high', b)]), spans);
  assert.equal(c.ok, true, c.problems.join('\n'));
});

test('missing: on the wrong step, with the wrong type, or with a PASS verdict fails the gate and says why', () => {
  const m = plantedStep('missing');
  const neighbour = m + 1;
  const wrongStep = checkVariant(variant('missing'), score(false, [dev('missing_step', 'medium', detected(neighbour))]), spans);
  assert.equal(wrongStep.ok, false);
  assert.match(wrongStep.problems.join('\n'), new RegExp(`planted missing_step on step ${m} .* not reported; missing_step reported elsewhere`));

  const wrongType = checkVariant(variant('missing'), score(false, [dev('rework', 'medium', detected(m))]), spans);
  assert.equal(wrongType.ok, false);
  assert.match(wrongType.problems[0], /on that step instead: medium rework/);

  const passed = checkVariant(variant('missing'), score(true, [dev('missing_step', 'high', detected(m))]), spans);
  assert.equal(passed.ok, false);
  assert.match(passed.problems[0], /expected FAIL, got PASS/);
});

test('failure variant: a high-severity deviation on an unplanted step is spurious; medium is tolerated', () => {
  const m = plantedStep('missing');
  const other = m === 1 ? 4 : 1;
  const base = dev('missing_step', 'high', detected(m));
  const high = checkVariant(variant('missing'), score(false, [base, dev('over_time', 'high', detected(other))]), spans);
  assert.equal(high.ok, false);
  assert.equal(high.problems.length, 1);
  assert.match(high.problems[0], /spurious high-severity deviation on a step that was not planted: high over_time/);
  const medium = checkVariant(variant('missing'), score(false, [base, dev('over_time', 'medium', detected(other))]), spans);
  assert.equal(medium.ok, true);
  const noStep = checkVariant(variant('missing'), score(false, [base, dev('rework', 'high', null)]), spans);
  assert.equal(noStep.ok, false);
});

test('swap: order_swap naming both planted steps, in either order; one right step is not enough', () => {
  const [a, b] = manifest.variants.swap.planted[0].steps;
  assert.equal(b, a + 1);
  assert.equal(checkVariant(variant('swap'), score(false, [dev('order_swap', 'high', detected(a), detected(b))]), spans).ok, true);
  assert.equal(checkVariant(variant('swap'), score(false, [dev('order_swap', 'high', detected(b), detected(a))]), spans).ok, true);
  const half = checkVariant(variant('swap'), score(false, [dev('order_swap', 'high', detected(a), null)]), spans);
  assert.equal(half.ok, false);
  const off = b + 1 <= 5 ? b + 1 : a - 1;
  const wrongPair = checkVariant(variant('swap'), score(false, [dev('order_swap', 'high', detected(a), detected(off))]), spans);
  assert.equal(wrongPair.ok, false);
  // The wrong pair touches an unplanted step with high severity: reported as spurious too.
  assert.ok(wrongPair.problems.some((p) => /spurious/.test(p)));
  // A swap reported as two missing steps has the wrong type.
  const asMissing = checkVariant(variant('swap'), score(false, [dev('missing_step', 'high', detected(a)), dev('missing_step', 'high', detected(b))]), spans);
  assert.equal(asMissing.ok, false);
});

test('deviation and time_over: the type must be right', () => {
  const d = plantedStep('deviation');
  assert.equal(checkVariant(variant('deviation'), score(false, [dev('step_deviation', 'high', detected(d))]), spans).ok, true);
  assert.equal(checkVariant(variant('deviation'), score(false, [dev('missing_step', 'high', detected(d))]), spans).ok, false);
  const t = plantedStep('time_over');
  assert.equal(checkVariant(variant('time_over'), score(false, [dev('over_time', 'medium', detected(t))]), spans).ok, true);
  const asMissing = checkVariant(variant('time_over'), score(false, [dev('missing_step', 'high', detected(t))]), spans);
  assert.equal(asMissing.ok, false);
  assert.match(asMissing.problems[0], /planted over_time .* not reported; on that step instead: high missing_step/);
});

test('mixed: every planted item must be reported', () => {
  const [missing, slow] = manifest.variants.mixed.planted.map((p) => p.steps[0]);
  assert.notEqual(missing, slow);
  const both = [dev('missing_step', 'high', detected(missing)), dev('over_time', 'high', detected(slow))];
  assert.equal(checkVariant(variant('mixed'), score(false, both), spans).ok, true);
  const one = checkVariant(variant('mixed'), score(false, both.slice(0, 1)), spans);
  assert.equal(one.ok, false);
  assert.equal(one.problems.length, 1);
  assert.match(one.problems[0], /planted over_time/);
});

test('a run that produced no score fails its check; the table lists every problem', () => {
  const f = failedRunCheck(variant('swap'), spans, 'job j1 (ingest) failed: ffmpeg exploded');
  assert.equal(f.ok, false);
  assert.equal(f.got, null);
  const ok = checkVariant(variant('correct'), score(true, []), spans);
  const lines = formatGateTable([ok, f]);
  assert.match(lines[0], /^variant\s+expected/);
  assert.match(lines[2], /^correct\s+PASS.*ok$/);
  assert.match(lines[3], /^swap\s+FAIL\s+order_swap\[\d,\d\].*ERROR.*NOT OK$/);
  assert.ok(lines.some((l) => l.includes('swap: flow failed: job j1 (ingest) failed: ffmpeg exploded')));
});

test('a manifest step unknown to the gold timeline is a problem, not a silent pass', () => {
  const few: NamedSpan[] = spans.slice(0, 2);
  const m = plantedStep('missing');
  const c = checkVariant(variant('missing'), score(false, [dev('missing_step', 'high', detected(m))]), few);
  assert.equal(c.ok, false);
  assert.match(c.problems[0], /manifest: planted missing_step names unknown gold step/);
});

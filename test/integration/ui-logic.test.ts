// The page's pure logic, run in Node: the verdict in words, the steps editor's clamp and
// checks, the dashboard's reading of the analytics answer, and what each role may do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain browser ES module without type declarations
import { explainVerdict } from '../../ui/lib/verdict.js';
// @ts-expect-error plain browser ES module without type declarations
import { clampSteps, stepsFromRows } from '../../ui/views/steps.js';
// @ts-expect-error plain browser ES module without type declarations
import { readTaskAnalytics } from '../../ui/lib/analytics.js';
// @ts-expect-error plain browser ES module without type declarations
import { may, reason } from '../../ui/lib/roles.js';

const rules = { pass_threshold: 70, blocking_severity: { missing_step: 'medium', order_swap: 'medium', step_deviation: 'medium', over_time: 'low', rework: null } };
const dev = (type: string, severity: string, index = 1) => ({ type, severity, gold_step: { index, name: `s${index}`, start_sec: 0, end_sec: 1 }, trainee: null, evidence: {}, message: '' });

test('a 95.0 FAIL says which finding blocks it, and the rule', () => {
  const v = explainVerdict({ score: 95, passed: false, deviations: [dev('rework', 'high'), dev('missing_step', 'medium', 2)] }, rules, null);
  assert.equal(v.threshold, 70);
  assert.deepEqual(v.blocking.map((b: { index: number }) => b.index), [1]);
  assert.equal(v.summary, 'Failed: blocked by #2 missing step (medium): a missing step of medium severity or more fails the run. Pass rule: score ≥ 70 and no blocking finding.');
});

test('below the threshold, a pass, a task threshold and a critical step', () => {
  assert.match(explainVerdict({ score: 55, passed: false, deviations: [] }, rules, null).summary, /^Failed: 55\.0 is below the pass threshold 70\./);
  assert.match(explainVerdict({ score: 88, passed: true, deviations: [dev('rework', 'low')] }, rules, null).summary, /^Passed: 88\.0 ≥ 70 and nothing blocks\./);
  const task = { pass_threshold: 90, steps: [{ index: 3, critical: true }] };
  const v = explainVerdict({ score: 92, passed: false, deviations: [dev('rework', 'low', 3)] }, rules, task);
  assert.equal(v.threshold, 90);
  assert.match(v.summary, /blocked by #1 rework \(low\): step 4 is critical/);
  assert.match(explainVerdict({ score: 71, passed: false, deviations: [dev('order_swap', 'medium')] }, rules, null).summary, /blocked by #1 order swap \(medium\): an order swap of medium severity/);
  assert.match(explainVerdict({ score: 95, passed: false, deviations: [], breakdown: { blocking_deviations: 1 } }, null, null).summary, /^Failed: 1 blocking finding\(s\)\. Pass rule: not known/);
});

test('detected steps overlapping by a clip are shown clamped, and the clamp passes the checks', () => {
  const detected = [
    { name: 'a', start_sec: 0, end_sec: 4 },
    { name: 'b', start_sec: 3, end_sec: 8 },
    { name: 'c', start_sec: 7, end_sec: 12 },
  ];
  const shown = clampSteps(detected);
  assert.deepEqual(shown.map((s: { start_sec: number }) => s.start_sec), [0, 4, 8]);
  const rows = shown.map((s: { name: string; start_sec: number; end_sec: number }) => ({ name: s.name, start: String(s.start_sec), end: String(s.end_sec) }));
  assert.deepEqual(stepsFromRows(rows).steps.map((s: { start_sec: number }) => s.start_sec), [0, 4, 8]);
  // Unclamped, the editor itself refuses what the API would (400 "overlaps").
  const raw = detected.map((s) => ({ name: s.name, start: String(s.start_sec), end: String(s.end_sec) }));
  assert.match(stepsFromRows(raw).error, /Step 2 starts before step 1 ends/);
  assert.match(stepsFromRows([{ name: '', start: '0', end: '1' }]).error, /needs a name/);
  assert.match(stepsFromRows([{ name: 'x', start: '2', end: '1' }]).error, /end must be after start/);
});

test('the dashboard reads runs, weekly pass rate, the step that fails most and the duration spread', () => {
  const a = readTaskAnalytics({
    runs: 10,
    pass_rate: 0.6,
    by_week: [{ week: '2026-W47', runs: 4, pass_rate: 0.5 }],
    steps: [
      { index: 0, name: 'a', deviations: { missing_step: 1 }, gold_duration_sec: 2, median_duration_sec: 2.5, p90_duration_sec: 3 },
      { index: 1, name: 'b', deviations: { over_time: 2, order_swap: 1 }, gold_duration_sec: 3, median_duration_sec: 4, p90_duration_sec: 6 },
    ],
    by_worker: [{ worker_id: 'w1', runs: 3, pass_rate: 1 }],
  });
  assert.equal(a.runs, 10);
  assert.equal(a.passRate, 60);
  assert.deepEqual(a.weeks, [{ label: '2026-W47', runs: 4, passRate: 50 }]);
  assert.equal(a.worstStep.name, 'b');
  assert.equal(a.worstStep.total, 3);
  assert.deepEqual(a.types, ['missing_step', 'order_swap', 'over_time']);
  assert.deepEqual([a.steps[1].gold, a.steps[1].median, a.steps[1].p90], [3, 4, 6]);
  assert.deepEqual(a.workers, [{ id: 'w1', runs: 3, passRate: 100 }]);
  assert.equal(readTaskAnalytics({ runs: 0, steps: [{ name: 'x', deviations: {} }] }).worstStep, null);
});

test('roles: viewers read, operators upload, score and review, admins edit steps and delete', () => {
  assert.equal(may('viewer', 'upload'), false);
  assert.equal(may('operator', 'upload'), true);
  assert.equal(may('operator', 'review'), true);
  assert.equal(may('operator', 'deleteVideo'), false);
  assert.equal(may('admin', 'editSteps'), true);
  assert.equal(may(null, 'deleteVideo'), true, 'unknown role: the API decides');
  assert.equal(reason('viewer', 'score'), 'Needs the operator role; you are signed in as viewer.');
});

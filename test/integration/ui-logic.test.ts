// The page's pure logic, run in Node: the verdict in words, the steps editor's clamp and
// checks, the dashboard's reading of the analytics answer, and what each role may do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain browser ES module without type declarations
import { explainVerdict, reviewNote } from '../../ui/lib/verdict.js';
// @ts-expect-error plain browser ES module without type declarations
import { clampSteps, stepsFromRows } from '../../ui/views/steps.js';
// @ts-expect-error plain browser ES module without type declarations
import { readTaskAnalytics, readWorkerAnalytics } from '../../ui/lib/analytics.js';
// @ts-expect-error plain browser ES module without type declarations
import { may, reason } from '../../ui/lib/roles.js';

const rules = { pass_threshold: 70, blocking_severity: { missing_step: 'medium', order_swap: 'medium', step_deviation: 'medium', over_time: 'low', rework: null } };
const dev = (type: string, severity: string, index = 1) => ({ type, severity, gold_step: { index, name: `s${index}`, start_sec: 0, end_sec: 1 }, trainee: null, evidence: {}, message: '' });

test('without a server verdict: a 95.0 FAIL says which finding blocks it, and the rule', () => {
  const v = explainVerdict({ score: 95, passed: false, deviations: [dev('rework', 'high'), dev('missing_step', 'medium', 2)] }, rules);
  assert.deepEqual(v.blocking.map((b: { index: number }) => b.index), [1]);
  assert.equal(v.summary, 'Failed: blocked by #2 missing step (medium): a missing step of medium severity or more fails the run. Pass rule: score ≥ 70 and no blocking finding.');
});

test('without a server verdict (older scores): below the threshold, a pass, an order swap, only a count', () => {
  assert.match(explainVerdict({ score: 55, passed: false, deviations: [] }, rules).summary, /^Failed: 55\.0 is below the pass threshold 70\./);
  assert.match(explainVerdict({ score: 88, passed: true, deviations: [dev('rework', 'low')] }, rules).summary, /^Passed: 88\.0 ≥ 70 and nothing blocks\./);
  assert.match(explainVerdict({ score: 71, passed: false, deviations: [dev('order_swap', 'medium')] }, rules).summary, /blocked by #1 order swap \(medium\): an order swap of medium severity/);
  assert.match(explainVerdict({ score: 95, passed: false, deviations: [], breakdown: { blocking_deviations: 1 } }, null).summary, /^Failed: 1 blocking finding\(s\)\. Pass rule: not known/);
});

test("the server's verdict wins over the page's own rule; a review override is said beside it", () => {
  const verdict = { passed: false, score: 92, pass_threshold: 90, rule: 'A pass needs a score of at least 90 and no blocking deviation: any deviation on a critical step (step 4 (Seal)).', reasons: ['step 4 (Seal) is critical and has a step done again (low).'], blocking: [0], task_version: 2, step_rules_applied: true };
  // The page's rule (threshold 70, rework never blocks) would call this low rework harmless.
  const s = { score: 92, passed: true, engine_passed: false, verdict, deviations: [dev('rework', 'low', 3)], review: { decision: 'override_pass', comment: 'seen done', reviewed_by: 'token:operator:ab', reviewed_at: '2026-12-01T10:00:00Z' } };
  const v = explainVerdict(s, rules);
  assert.equal(v.passed, false, 'the automatic verdict, whatever the review says');
  assert.deepEqual(v.blocking.map((b: { index: number }) => b.index), [0]);
  assert.equal(v.summary, `Failed: step 4 (Seal) is critical and has a step done again (low). ${verdict.rule}`);
  assert.equal(reviewNote(s), 'Overridden to PASS by token:operator:ab; the automatic verdict was FAIL.');
  assert.equal(reviewNote({ ...s, review: { ...s.review, decision: 'confirm' } }), null);
  assert.equal(reviewNote({ ...s, review: null }), null);
  assert.match(explainVerdict({ ...s, verdict: { ...verdict, passed: true, reasons: [], blocking: [] } }, null).summary, /^Passed: 92 ≥ 90 and nothing blocks\. A pass needs/);
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

const zero = { missing_step: 0, order_swap: 0, step_deviation: 0, over_time: 0, rework: 0 };
const stepRow = (index: number, name: string, deviations: Record<string, number>, runsWith: number, gold: number, median: number | null, p90: number | null) => ({
  index, name, gold_duration_sec: gold, runs: 10, runs_with_deviation: runsWith, deviations: { ...zero, ...deviations },
  duration: { n: 10, median_sec: median, p90_sec: p90, median_vs_gold: null, p90_vs_gold: null }, by_worker: [], by_week: [],
});

test('the dashboard reads GET /analytics/tasks/:id as the server answers it', () => {
  const a = readTaskAnalytics({
    task_id: 't', name: 'T', since: null, until: null, runs: 10, passed: 6, failed: 4, pass_rate: 0.6, reviewed: 1, median_score: 81.5,
    // The server names the step that fails in most runs (b has more deviations, in fewer runs).
    most_failed_step: { index: 0, name: 'a', runs_with_deviation: 3 },
    steps: [stepRow(0, 'a', { missing_step: 3 }, 3, 2, 2.5, 3), stepRow(1, 'b', { over_time: 3, order_swap: 1 }, 2, 3, 4, 6)],
    by_worker: [{ worker_id: 'w1', runs: 3, passed: 3, pass_rate: 1 }, { worker_id: null, runs: 7, passed: 3, pass_rate: 0.01 }],
    by_week: [{ week_start: '2026-11-23', runs: 4, passed: 2, pass_rate: 0.5 }],
  });
  assert.deepEqual([a.runs, a.failed, a.reviewed, a.passRate, a.medianScore], [10, 4, 1, 60, 81.5]);
  assert.deepEqual(a.weeks, [{ label: '2026-11-23', runs: 4, passRate: 50 }]);
  assert.deepEqual(a.worstStep, { index: 0, name: 'a', runsWithDeviation: 3 });
  assert.equal(a.steps[1].total, 4);
  assert.deepEqual(a.types, ['missing_step', 'order_swap', 'over_time']);
  assert.deepEqual([a.steps[1].gold, a.steps[1].median, a.steps[1].p90], [3, 4, 6]);
  // A rate of 1 % stays 1 % (0..1 always), and runs without a worker are labelled so.
  assert.deepEqual(a.workers, [{ id: 'w1', label: 'w1', runs: 3, passRate: 100 }, { id: null, label: 'not given', runs: 7, passRate: 1 }]);
  assert.equal(readTaskAnalytics({ runs: 0, passed: 0, failed: 0, pass_rate: null, reviewed: 0, median_score: null, most_failed_step: null, steps: [], by_worker: [], by_week: [] }).passRate, null);
});

test('a worker history reads GET /analytics/workers/:id', () => {
  const w = readWorkerAnalytics({
    worker_id: 'w1', since: null, until: null, runs: 3, passed: 1, failed: 2, pass_rate: 1 / 3, median_score: 70,
    deviations: { ...zero, missing_step: 2 }, by_task: [{ task_id: 't', name: 'T', runs: 3, passed: 1, pass_rate: 1 / 3, last_performed_at: null }],
    by_week: [{ week_start: '2026-11-30', runs: 3, passed: 1, pass_rate: 1 / 3 }], recent: [],
  });
  assert.deepEqual([w.runs, w.failed, Math.round(w.passRate), w.medianScore], [3, 2, 33, 70]);
  assert.deepEqual(w.deviations, [['missing_step', 2]]);
  assert.deepEqual(w.tasks.map((t: { id: string; runs: number; passRate: number }) => [t.id, t.runs, Math.round(t.passRate)]), [['t', 3, 33]]);
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

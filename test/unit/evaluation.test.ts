import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, type EvalCase } from '../../shared/evaluation/manifest.js';
import { boundaryError, findsFault, gatingMisses, judgeCase, missedThresholds, onSpan, totalsOf, type CaseRun } from '../../shared/evaluation/metrics.js';
import { cameraFilter, editArgs, timeline } from '../../shared/evaluation/edits.js';
import { manifestFromDemo } from '../../shared/evaluation/from-demo.js';
import { manifestOf, planDemo } from '../../shared/demo/plan.js';

const steps = [
  { name: 'a', start_sec: 0, end_sec: 4 },
  { name: 'b', start_sec: 4, end_sec: 8 },
  { name: 'c', start_sec: 8, end_sec: 12 },
];
const caseOf = (over: Partial<EvalCase>): EvalCase => ({
  id: 'c1', split: 'dev', category: 'fault', gold: 'g.mp4', gold_steps: steps, trainee: 't.mp4', expected: 'fail', faults: [], ...over,
});
const dev = (type: string, k: number, severity = 'high', other?: number) => ({
  type, severity, gold_step: { index: k, ...steps[k] }, other_step: other === undefined ? null : { index: other, ...steps[other] },
}) as CaseRun['deviations'][number];
const run = (over: Partial<CaseRun>): CaseRun => ({ score: 50, passed: false, deviations: [], gold_steps: steps, ingest_sec: 1, score_sec: 0.1, trainee_duration_sec: 12, ...over });

test('onSpan: overlap of at least half the smaller span', () => {
  assert.equal(onSpan({ start_sec: 4, end_sec: 8 }, { start_sec: 5, end_sec: 7 }), true);
  assert.equal(onSpan({ start_sec: 4, end_sec: 8 }, { start_sec: 7, end_sec: 9 }), true); // 1 of 2 s
  assert.equal(onSpan({ start_sec: 4, end_sec: 8 }, { start_sec: 7.5, end_sec: 9.5 }), false);
  assert.equal(onSpan(null, { start_sec: 0, end_sec: 1 }), false);
});

test('a fault is found only with its type on its step; a swap by either step; `also` types count', () => {
  const f = { type: 'missing_step' as const, gold_start_sec: 4, gold_end_sec: 8 };
  assert.equal(findsFault(dev('missing_step', 1), f), true);
  assert.equal(findsFault(dev('missing_step', 2), f), false);
  assert.equal(findsFault(dev('step_deviation', 1), f), false);
  assert.equal(findsFault(dev('step_deviation', 1), { ...f, also: ['step_deviation'] }), true);
  assert.equal(findsFault(dev('order_swap', 0, 'medium', 1), { ...f, type: 'order_swap' }), true);
});

test('judgeCase: verdict, every planted fault, nothing above low on a correct run', () => {
  const faulty = caseOf({ faults: [{ type: 'missing_step', gold_start_sec: 4, gold_end_sec: 8 }] });
  assert.equal(judgeCase(faulty, run({ deviations: [dev('missing_step', 1)] })).ok, true);
  const miss = judgeCase(faulty, run({ deviations: [dev('step_deviation', 1)] }));
  assert.equal(miss.ok, false);
  assert.match(miss.why, /missing_step at gold 4-8 s not found/);
  assert.equal(judgeCase(faulty, run({ passed: true, deviations: [dev('missing_step', 1)] })).ok, false);
  const correct = caseOf({ category: 'correct', expected: 'pass' });
  assert.equal(judgeCase(correct, run({ passed: true, deviations: [dev('over_time', 2, 'low')] })).ok, true);
  assert.equal(judgeCase(correct, run({ passed: true, deviations: [dev('step_deviation', 2, 'medium')] })).ok, false);
  assert.match(judgeCase(correct, run({ error: 'boom' })).why, /^error: boom/);
});

test('over_time on a step the trainee really did slower counts apart, not against the run', () => {
  const c = caseOf({ category: 'correct', expected: 'pass', trainee_steps: [steps[0], steps[1], { name: 'c', start_sec: 8, end_sec: 16 }] });
  const r = judgeCase(c, run({ passed: true, deviations: [dev('over_time', 2, 'medium')] }));
  assert.equal(r.ok, true);
  assert.equal(r.true_over_time, 1);
  const notSlower = caseOf({ category: 'correct', expected: 'pass', trainee_steps: steps });
  assert.equal(judgeCase(notSlower, run({ passed: true, deviations: [dev('over_time', 2, 'medium')] })).ok, false);
});

test('another scene: the engine must say so and not call every step missing', () => {
  const c = caseOf({ category: 'other_scene', expected: 'fail', gold_steps: 'detect', expect_same_scene: false });
  assert.equal(judgeCase(c, run({ same_scene: false })).ok, true);
  assert.equal(judgeCase(c, run({ same_scene: null })).ok, false);
  assert.equal(judgeCase(c, run({ same_scene: false, deviations: [dev('missing_step', 0), dev('missing_step', 1), dev('missing_step', 2)] })).ok, false);
});

test('boundary error: mean distance of true inner boundaries to the nearest found one', () => {
  assert.equal(boundaryError([{ start_sec: 0, end_sec: 4.5 }, { start_sec: 4.5, end_sec: 7 }, { start_sec: 7, end_sec: 12 }], steps), 0.75);
  assert.equal(boundaryError(steps, undefined), null);
  // One step found where there are three: each true boundary is as far as the nearer video end.
  assert.equal(boundaryError([{ start_sec: 0, end_sec: 12 }], [{ start_sec: 0, end_sec: 3 }, { start_sec: 3, end_sec: 10 }, { start_sec: 10, end_sec: 12 }]), 2.5);
});

test('totals: rates per category, per-type precision and recall, thresholds', () => {
  const f = { type: 'missing_step' as const, gold_start_sec: 4, gold_end_sec: 8 };
  const results = [
    judgeCase(caseOf({ id: 'a', faults: [f] }), run({ deviations: [dev('missing_step', 1), dev('rework', 2)] })),
    judgeCase(caseOf({ id: 'b', faults: [f] }), run({ deviations: [] })),
    judgeCase(caseOf({ id: 'c', category: 'correct', expected: 'pass' }), run({ passed: true })),
  ];
  const t = totalsOf(results);
  assert.equal(t.cases, 3);
  assert.equal(t.ok, 2);
  assert.equal(t.fault_recall, 0.5);
  assert.equal(t.correct_ok_rate, 1);
  assert.equal(t.faulty_fail_rate, 1);
  assert.deepEqual(t.per_type.missing_step, { planted: 2, found: 1, recall: 0.5, reported: 1, right: 1, precision: 1 });
  assert.equal(t.per_type.rework.precision, 0);
  assert.deepEqual(missedThresholds(t, { fault_recall: 0.9, correct_ok_rate: 1 }), ['fault_recall 0.5 < 0.9']);
});

test("gating 'dev': the development part's misses fail the run, the held-out part's are reported only", () => {
  const f = { type: 'missing_step' as const, gold_start_sec: 4, gold_end_sec: 8 };
  const devRuns = [judgeCase(caseOf({ id: 'a', faults: [f] }), run({ deviations: [dev('missing_step', 1)] }))];
  const held = [judgeCase(caseOf({ id: 'b', split: 'heldout', faults: [f] }), run({ deviations: [] }))];
  const th = { fault_recall: 0.9 };
  const all = totalsOf([...devRuns, ...held]);
  const bySplit = { dev: totalsOf(devRuns), heldout: totalsOf(held) };
  assert.deepEqual(gatingMisses('dev', all, bySplit, th), []);
  assert.deepEqual(gatingMisses(true, all, bySplit, th), ['fault_recall 0.5 < 0.9']);
  assert.deepEqual(gatingMisses(false, all, bySplit, th), []);
  const badDev = { dev: totalsOf(held), heldout: totalsOf(devRuns) };
  assert.deepEqual(gatingMisses('dev', all, badDev, th), ['dev: fault_recall 0 < 0.9']);
  assert.equal(parseManifest({ version: 1, name: 'm', kind: 'real', gating: 'dev', cases: [caseOf({})] }).gating, 'dev');
  assert.throws(() => parseManifest({ version: 1, name: 'm', kind: 'real', gating: 'heldout', cases: [caseOf({})] }), /gating/);
});

test('edit timelines: cut, swap, slow, repeat, replace', () => {
  assert.deepEqual(timeline({ op: 'cut', start_sec: 2, end_sec: 5 }, 10).map((p) => [p.start, p.end]), [[0, 2], [5, 10]]);
  assert.deepEqual(timeline({ op: 'swap', a: [6, 8], b: [2, 4] }, 10).map((p) => [p.start, p.end]), [[0, 2], [6, 8], [4, 6], [2, 4], [8, 10]]);
  assert.deepEqual(timeline({ op: 'slow', start_sec: 2, end_sec: 4, factor: 2 }, 10).map((p) => p.stretch), [1, 2, 1]);
  assert.deepEqual(timeline({ op: 'repeat', start_sec: 2, end_sec: 4 }, 10).map((p) => [p.start, p.end]), [[0, 4], [2, 4], [4, 10]]);
  const r = timeline({ op: 'replace', start_sec: 2, end_sec: 4, other: 'o.mp4', other_start_sec: 7, insert_sec: 3 }, 10);
  assert.deepEqual(r[1], { input: 1, start: 7, end: 10, stretch: 1 });
  assert.throws(() => timeline({ op: 'cut', start_sec: 2, end_sec: 30 }, 10), /outside the video/);
  assert.throws(() => timeline({ op: 'swap', a: [2, 5], b: [4, 6] }, 10), /overlap/);
});

test('camera filter and ffmpeg arguments', () => {
  const f = cameraFilter({ op: 'camera', crop: 0.03, rotate_deg: 3, brightness: -0.2, noise: 10, fps: 15, width: 480, height: 270 }, 640, 360);
  assert.match(f, /rotate=0\.052360/);
  assert.match(f, /crop=iw\*0\.97000/);
  assert.match(f, /lutyuv=y='clip\(val\*0\.8000/);
  assert.match(f, /scale=480:270/);
  assert.match(f, /noise=alls=10/);
  const args = editArgs('in.mp4', 10, [{ op: 'cut', start_sec: 2, end_sec: 5 }], 'out.mp4');
  const g = args[args.indexOf('-filter_complex') + 1];
  assert.match(g, /^\[0:v\]fps=30,scale=640:360,setsar=1,split=2\[i0m0\]\[i0m1\];/);
  assert.match(g, /concat=n=2:v=1:a=0/);
  assert.throws(() => editArgs('in.mp4', 10, [{ op: 'cut', start_sec: 1, end_sec: 2 }, { op: 'repeat', start_sec: 3, end_sec: 4 }], 'o.mp4'), /at most one temporal/);
});

test('manifests: schema errors are clear; the demo manifest becomes cases with gold spans', () => {
  assert.throws(() => parseManifest({ version: 1, name: 'x', kind: 'real', cases: [] }), /invalid evaluation manifest/);
  const c = caseOf({});
  assert.throws(() => parseManifest({ version: 1, name: 'x', kind: 'real', cases: [c, c] }), /duplicate case id/);
  const demo = manifestOf(planDemo({ seed: 3, scale: 0.2 }));
  const m = manifestFromDemo(demo, 'heldout');
  const missing = m.cases.find((x) => x.id.endsWith('-missing'))!;
  assert.equal(missing.expected, 'fail');
  assert.equal(missing.split, 'heldout');
  const planted = demo.variants.missing.planted[0];
  const gs = demo.variants.gold.segments.find((s) => s.step === planted.steps[0])!;
  assert.deepEqual(missing.faults[0], { type: planted.type, gold_start_sec: gs.start_sec, gold_end_sec: gs.end_sec });
  assert.equal(m.cases.find((x) => x.id.endsWith('-correct'))!.category, 'correct');
});

test('tileSteps: lead-in, tail and gaps between steps set by time go to the nearest step', async () => {
  const { tileSteps } = await import('../../shared/scoring/tile-steps.js');
  const s = (index: number, a: number, b: number) => ({ index, name: `s${index}`, start_clip: a, end_clip: b, start_sec: a, end_sec: b });
  const t = tileSteps([s(0, 2, 5), s(1, 8, 10), s(2, 10, 12)], 15);
  assert.deepEqual(t.map((x) => [x.start_clip, x.end_clip]), [[0, 6], [6, 10], [10, 15]]);
  assert.deepEqual(t.map((x) => [x.start_sec, x.end_sec]), [[2, 5], [8, 10], [10, 12]], 'times stay as set');
});

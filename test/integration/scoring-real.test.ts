// The real chain on rendered demo videos: decode (4 fps, 224 letterbox) -> heuristic frame
// features -> clips (8 frames, stride 4) -> gold steps -> scoreAlignment, checked against the
// deviations the demo generator planted (manifest.json). Heuristic embedder for speed.
// Scored twice: with the true gold steps (checks scoring alone, by step index) and with the
// DETECTED gold steps, as the pipeline does (checked like the release gate: by time in the gold,
// so a planted step that detection split in two still counts).
// The default chain (hybrid-work features, registration) is gated on the demo renders by
// sopilot eval in CI (docs/evaluation.md); this checks the engine on plain heuristic features.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../shared/demo/generate.js';
import type { DemoManifest, VariantName } from '../../shared/demo/plan.js';
import { decodeFrames } from '../../shared/media/decode.js';
import { planClips } from '../../shared/media/clips.js';
import { HeuristicClipEmbedder } from '../../shared/vision/heuristic-embedder.js';
import { detectSteps, stepsFromBoundaries } from '../../shared/steps/change-points.js';
import { scoreAlignment } from '../../shared/scoring/index.js';
import type { ClipTimes, GoldStep, ScoreOutcome } from '../../shared/scoring/types.js';
import type { Matrix } from '../../shared/alignment/types.js';
import { makeTestVideo } from '../helpers/videos.js';
import { checkVariant, goldStepSpans } from '../../cli/release-gate.js';

const FPS = 4;
const embedder = new HeuristicClipEmbedder();

async function embed(file: string): Promise<{ m: Matrix; times: ClipTimes }> {
  const feats: Float32Array[] = [];
  for await (const f of decodeFrames(file, { fps: FPS, width: 224, height: 224, resize: 'pad' })) feats.push(embedder.frameFeature(f.frame));
  const clips = planClips(feats.length, FPS, { clipFrames: 8, stride: 4 });
  const data = new Float32Array(clips.length * embedder.dim);
  clips.forEach((c, i) => data.set(embedder.combineClip(feats.slice(c.start_frame, c.end_frame)), i * embedder.dim));
  return { m: { rows: clips.length, dim: embedder.dim, data }, times: { start_sec: clips.map((c) => c.start_sec), end_sec: clips.map((c) => c.end_sec) } };
}

/** True step boundaries in clip units: the first clip whose centre lies past each step's end. */
function trueBoundaries(man: DemoManifest, times: ClipTimes, n: number): number[] {
  const out: number[] = [];
  let t = 0;
  for (const d of man.variants.gold.step_durations_sec.slice(0, -1)) {
    t += d!;
    let i = 0;
    while (i < n && (times.start_sec[i] + times.end_sec[i]) / 2 < t) i++;
    out.push(i);
  }
  return out;
}

const show = (r: ScoreOutcome) => `score ${r.score} passed ${r.passed}: ${r.deviations.map((d) => `${d.type}/${d.severity}@${d.gold_step?.index}${d.other_step ? '+' + d.other_step.index : ''}`).join(' ')}`;

let dir = '';
let man: DemoManifest;
let gold: { m: Matrix; times: ClipTimes };
let truth: GoldStep[];
const outcomes = new Map<string, ScoreOutcome>();
const detectedOutcomes = new Map<string, ScoreOutcome>();
let detected: GoldStep[];
const VARIANTS = ['correct', 'missing', 'swap', 'deviation', 'time_over', 'mixed'] as const;

test('setup: render a demo set (seed 2) and score every variant against the true gold steps', async () => {
  dir = await mkdtemp(join(tmpdir(), 'scoring-real-'));
  man = await generateDemo({ outDir: dir, seed: 2, scale: 1, width: 160, height: 120 });
  gold = await embed(join(dir, 'gold.mp4'));
  truth = stepsFromBoundaries(trueBoundaries(man, gold.times, gold.m.rows), gold.m.rows, gold.times);
  await makeTestVideo(join(dir, 'unrelated.mp4'), { durationSec: 30, pattern: 'testsrc' });
  // The pipeline's call (functions/embed/handler.ts): default options, overlap read from the times.
  detected = detectSteps(gold.m, gold.times, { minStepClips: 3 });
  for (const v of [...VARIANTS, 'unrelated']) {
    const t = await embed(join(dir, `${v}.mp4`));
    outcomes.set(v, scoreAlignment({ gold: gold.m, goldTimes: gold.times, goldSteps: truth, trainee: t.m, traineeTimes: t.times }));
    detectedOutcomes.set(v, scoreAlignment({ gold: gold.m, goldTimes: gold.times, goldSteps: detected, trainee: t.m, traineeTimes: t.times }));
  }
});

test.after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const planted = (v: VariantName) => man.variants[v].planted;
const highElsewhere = (r: ScoreOutcome, allowed: number[]) => r.deviations.filter((d) => d.severity === 'high' && !allowed.includes(d.gold_step?.index ?? -1));

test('correct performance passes with no missing step or swap', () => {
  const r = outcomes.get('correct')!;
  assert.ok(r.passed, show(r));
  assert.equal(r.deviations.filter((d) => d.type === 'missing_step' || d.type === 'order_swap').length, 0, show(r));
});

for (const v of ['missing', 'swap', 'deviation', 'time_over', 'mixed'] as const) {
  test(`${v}: fails, with the planted deviation(s) on the planted step(s) and nothing high elsewhere`, () => {
    const r = outcomes.get(v)!;
    assert.equal(r.passed, false, show(r));
    const steps: number[] = [];
    for (const p of planted(v)) {
      steps.push(...p.steps);
      const hit = r.deviations.find((d) =>
        d.type === p.type &&
        (p.type === 'order_swap'
          ? [d.gold_step?.index, d.other_step?.index].sort().join() === [...p.steps].sort().join()
          : d.gold_step?.index === p.steps[0]),
      );
      assert.ok(hit, `${v}: expected ${p.type} on ${p.steps}; ${show(r)}`);
    }
    assert.deepEqual(highElsewhere(r, steps), [], show(r));
  });
}

test('unrelated video scores low and fails', () => {
  const r = outcomes.get('unrelated')!;
  assert.equal(r.passed, false, show(r));
  assert.ok(r.score < 40, show(r));
});

// Over-segmentation is accepted (an extra split inside a step is tolerated by scoring and by the
// gate's time-based matching); a missed boundary merges two steps and is not.
test('detected gold steps: every true boundary within one clip, at most two extra splits', () => {
  const found = detected.slice(1).map((s) => s.start_clip);
  const want = truth.slice(1).map((s) => s.start_clip);
  const missed = want.filter((b) => !found.some((f) => Math.abs(f - b) <= 1));
  assert.deepEqual(missed, [], `found [${found}] want [${want}]`);
  assert.ok(found.length <= want.length + 2, `found [${found}] want [${want}]`);
});

for (const v of [...VARIANTS, 'unrelated'] as const) {
  test(`detected gold steps, ${v}: the release gate's checks hold`, () => {
    const r = detectedOutcomes.get(v)!;
    if (v === 'unrelated') {
      assert.equal(r.passed, false, show(r));
      assert.ok(r.score < 40, show(r));
      return;
    }
    const c = checkVariant({ variant: v, expect_pass: man.variants[v].expect_pass, planted: planted(v) }, r, goldStepSpans(man));
    assert.ok(c.ok, `${c.problems.join('; ')} | steps ${detected.map((s) => `${s.start_sec}-${s.end_sec}`).join(' ')} | ${show(r)}`);
  });
}

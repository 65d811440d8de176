// The bench set's manifests, derived from its plan: eval-manifest.json (the schema `sopilot
// eval` reads, shared/evaluation/manifest.ts) and timeline.json (every video's segments, take
// and camera, for tests and for looking at a set).
import { parseManifest, type EvalManifest } from '../../evaluation/manifest.js';
import { BENCH_STEPS } from './layout.js';
import { goldSteps, timeline, type BenchPlan } from './plan.js';
import { IDLE } from './frame.js';

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export type Split = 'dev' | 'heldout';

/** The goals of "Score real footage" (issue 12, item 5); reported, not gating, until the engine meets them. */
export const BENCH_THRESHOLDS = { correct_ok_rate: 0.9, camera_ok_rate: 1, faulty_fail_rate: 1, fault_recall: 0.9, boundary_error_sec: 0.5 } as const;

export function evalManifestOf(plan: BenchPlan, split: Split): EvalManifest {
  const steps = goldSteps(plan).map((s) => ({ name: s.name, start_sec: r4(s.start_sec), end_sec: r4(s.end_sec) }));
  const file = (name: string) => plan.videos.find((v) => v.name === name)!.file;
  return parseManifest({
    version: 1,
    name: `bench-seed-${plan.seed}`,
    kind: 'synthetic',
    description:
      `Synthetic bench scene (a render, not footage), seed ${plan.seed}: one fixed workbench, arms and hands assembling a part in ` +
      `${BENCH_STEPS.length} steps; correct takes, camera moves and planted faults.`,
    gating: false,
    thresholds: BENCH_THRESHOLDS,
    cases: plan.cases.map((c) => ({
      id: c.id,
      split,
      category: c.category,
      task_id: 'bench-assembly',
      gold: file('gold'),
      gold_steps: c.detect ? 'detect' : steps,
      true_gold_steps: steps,
      trainee: file(c.trainee),
      expected: c.expected,
      faults: c.faults.map((f) => ({ type: f.type, gold_start_sec: steps[f.step].start_sec, gold_end_sec: steps[f.step].end_sec })),
      note: c.note,
    })),
  });
}

export interface BenchTimeline {
  generator: 'sopilot-bench/1';
  seed: number;
  scale: number;
  steps: Array<{ index: number; name: string }>;
  videos: Array<{
    name: string;
    file: string;
    take: string;
    width: number;
    height: number;
    fps: number;
    duration_sec: number;
    segments: Array<{ step: number; name: string; style: string; start_sec: number; end_sec: number }>;
    camera?: Record<string, number>;
  }>;
}

export function timelineOf(plan: BenchPlan): BenchTimeline {
  return {
    generator: 'sopilot-bench/1',
    seed: plan.seed,
    scale: plan.scale,
    steps: BENCH_STEPS.map((s, index) => ({ index, name: s.name })),
    videos: plan.videos.map((v) => {
      const segs = timeline(v);
      return {
        name: v.name,
        file: v.file,
        take: v.take,
        width: v.shot.width,
        height: v.shot.height,
        fps: v.fps,
        duration_sec: r4(segs[segs.length - 1].end_sec),
        segments: segs.map((s) => ({ step: s.step, name: s.step === IDLE ? 'idle' : BENCH_STEPS[s.step].name, style: s.style, start_sec: r4(s.start_sec), end_sec: r4(s.end_sec) })),
        ...(v.camera ? { camera: Object.fromEntries(Object.entries(v.camera).map(([k, x]) => [k, r4(x)])) } : {}),
      };
    }),
  };
}

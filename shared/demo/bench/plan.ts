// The bench set's plan, a pure function of the seed and options: the performers and their
// takes (timing, paths, habits), every video (which take, which steps in which order and how
// each is done, through which camera) and the evaluation cases with their planted faults in
// gold seconds. The manifests are derived from it, so the same seed gives the same manifests
// whether or not anything is rendered.
import type { Habit, StepStyle } from './choreo.js';
import { IDLE, type SegmentSpec, type Shot } from './frame.js';
import type { Performer } from './hands.js';
import { BENCH_STEPS } from './layout.js';
import type { View } from './raster.js';
import { rngFor, shuffled, uniform, type Rng } from '../random.js';
import type { DeviationType } from '../../evaluation/manifest.js';
import { DEFAULT_SCORING_OPTIONS } from '../../scoring/options.js';

export interface BenchOptions {
  seed?: number; // default 1
  /** Multiplies every step duration (tests use ~0.25). Default 1. */
  scale?: number;
  width?: number; // default 320 (even)
  height?: number; // default 240 (even)
  fps?: number; // default 15
}

export interface Take {
  id: string;
  performer: Performer;
  habit: Habit;
  /** Each step's duration in this take, seconds (whole frames at the set's fps). */
  stepSec: number[];
  /** Seeds this take's performance of each step. */
  stepSeed: number[];
  /** Idle time before the first step and after the last, seconds (the recording runs on). */
  leadSec: [number, number];
}

export interface VideoPlan {
  name: string;
  file: string;
  take: string;
  segments: SegmentSpec[];
  shot: Shot;
  fps: number;
  /** What the camera did, in the terms of the evaluation's camera edits (camera videos). */
  camera?: { zoom: number; shift_x: number; shift_y: number; rotate_deg: number; brightness: number; width: number; height: number; fps: number };
}

export interface PlantedFault {
  type: DeviationType;
  step: number;
}

export type Category = 'correct' | 'camera' | 'fault';

export interface CasePlan {
  id: string;
  category: Category;
  trainee: string;
  expected: 'pass' | 'fail';
  faults: PlantedFault[];
  /** The engine finds the gold steps itself. */
  detect: boolean;
  note: string;
}

export interface BenchPlan {
  seed: number;
  width: number;
  height: number;
  fps: number;
  scale: number;
  takes: Take[];
  videos: VideoPlan[];
  cases: CasePlan[];
}

export function resolveBenchOptions(o: BenchOptions): Required<BenchOptions> {
  const r = { seed: o.seed ?? 1, scale: o.scale ?? 1, width: o.width ?? 320, height: o.height ?? 240, fps: o.fps ?? 15 };
  if (!Number.isInteger(r.seed)) throw new RangeError(`seed must be an integer, got ${r.seed}`);
  if (!(r.scale > 0)) throw new RangeError(`scale must be positive, got ${r.scale}`);
  if (!Number.isInteger(r.fps) || r.fps < 4) throw new RangeError(`fps must be an integer >= 4, got ${r.fps}`);
  for (const [k, v] of [['width', r.width], ['height', r.height]] as const) {
    if (!Number.isInteger(v) || v < 32 || v % 2 !== 0) throw new RangeError(`${k} must be an even integer >= 32, got ${v}`);
  }
  return r;
}

const SKINS: Performer['skin'][] = [
  [228, 178, 146],
  [205, 148, 112],
  [168, 114, 82],
  [122, 82, 58],
  [238, 196, 166],
  [186, 130, 96],
];
const SLEEVES: Performer['sleeve'][] = [
  [46, 60, 96],
  [58, 66, 74],
  [40, 84, 80],
  [92, 44, 48],
  [70, 72, 110],
];

function performer(r: Rng): Performer {
  const k = uniform(r, 0.95, 1.05);
  const dx = uniform(r, -6, 6);
  return {
    skin: SKINS[Math.floor(r() * SKINS.length)],
    sleeve: SLEEVES[Math.floor(r() * SLEEVES.length)],
    cuff: uniform(r, 0.2, 0.45),
    shoulderL: [98 + dx - uniform(r, 0, 6), 335 + uniform(r, -6, 6)],
    shoulderR: [222 + dx + uniform(r, 0, 6), 335 + uniform(r, -6, 6)],
    upper: 128 * k,
    fore: 102 * k,
    hand: uniform(r, 0.94, 1.08),
  };
}

function habit(r: Rng): Habit {
  return {
    rest: { L: [uniform(r, 112, 130), uniform(r, 196, 212)], R: [uniform(r, 190, 208), uniform(r, 196, 212)] },
    wrist: { L: uniform(r, 0.1, 0.35), R: -uniform(r, 0.1, 0.35) },
    grip: uniform(r, 0.78, 1),
    arc: uniform(r, 8, 20),
    steadies: r() < 0.6,
  };
}

/** A take: one performer doing the task once; `pace` spreads the step times around the typical ones. */
function take(id: string, who: Performer, r: Rng, o: Required<BenchOptions>, pace: [number, number]): Take {
  const frames = (sec: number) => Math.max(4, Math.round(sec * o.scale * o.fps)) / o.fps;
  return {
    id,
    performer: who,
    habit: habit(r),
    stepSec: BENCH_STEPS.map((s) => frames(4 * s.weight * uniform(r, pace[0], pace[1]))),
    stepSeed: BENCH_STEPS.map(() => Math.floor(r() * 2 ** 31)),
    leadSec: [frames(uniform(r, 0.6, 1.5)), frames(uniform(r, 0.5, 1.2))],
  };
}

function cameraView(r: Rng, strength: 'zoom_tilt' | 'shift_light' | 'tilt_bright' | 'res_fps'): { view: View; gain: number } {
  const sign = () => (r() < 0.5 ? -1 : 1);
  switch (strength) {
    case 'zoom_tilt':
      return { view: { zoom: uniform(r, 1.03, 1.05), shiftX: 0, shiftY: 0, rotDeg: sign() * uniform(r, 2, 3) }, gain: 1 };
    case 'shift_light':
      return { view: { zoom: uniform(r, 1.01, 1.02), shiftX: sign() * uniform(r, 0.02, 0.04), shiftY: sign() * uniform(r, 0.01, 0.03), rotDeg: 0 }, gain: uniform(r, 0.8, 0.85) };
    case 'tilt_bright':
      return { view: { zoom: uniform(r, 1.01, 1.03), shiftX: sign() * uniform(r, 0.005, 0.015), shiftY: 0, rotDeg: sign() * uniform(r, 1, 2) }, gain: uniform(r, 1.15, 1.2) };
    case 'res_fps':
      return { view: { zoom: uniform(r, 1, 1.02), shiftX: sign() * uniform(r, 0, 0.01), shiftY: sign() * uniform(r, 0, 0.01), rotDeg: sign() * uniform(r, 0, 1) }, gain: uniform(r, 0.95, 1.05) };
  }
}

/** Picks steps for the faults: distinct where they can be, the first and last step covered by the missing-step runs. */
function faultPicks(r: Rng, n: number, goldSec: number[], minSlowSec: number) {
  const middle = Array.from({ length: n - 2 }, (_, i) => i + 1);
  const all = Array.from({ length: n }, (_, i) => i);
  const missingMiddle = shuffled(r, middle)[0];
  const adj = Math.floor(r() * (n - 1));
  let a = 0, b = 0;
  do {
    a = Math.floor(r() * n);
    b = Math.floor(r() * n);
  } while (Math.abs(a - b) < 2);
  // At 1.5x a step must end up at least 2 s longer than gold (the over_time floor), so it is one
  // of the longer steps (the screw always is at full length); 2.5x clears the floor on any step.
  const rework = Math.floor(r() * n);
  const wrong = Math.floor(r() * n);
  // Drawn last: the pool below depends on the scale, and the picks above must not. Where no step
  // is long enough (short renders), 1.5x is within the time standard: the case expects a pass.
  const longEnough = all.filter((i) => goldSec[i] * 0.5 >= minSlowSec);
  const slow15 = shuffled(r, longEnough.length ? longEnough : all)[0];
  const slow15Over = longEnough.length > 0;
  const slow25 = shuffled(r, all.filter((i) => i !== slow15))[0];
  return { missingMiddle, adj, swap: [Math.min(a, b), Math.max(a, b)] as [number, number], rework, slow15, slow15Over, slow25, wrong };
}

export function planBench(opts: BenchOptions = {}): BenchPlan {
  const o = resolveBenchOptions(opts);
  const n = BENCH_STEPS.length;
  const rP = rngFor(o.seed, 'bench-performers');
  const [alice, bo] = [performer(rP), performer(rP)];
  const rT = rngFor(o.seed, 'bench-takes');
  const gold = take('A1', alice, rT, o, [0.95, 1.1]);
  // Another performer (other timing, paths, habits and hands) and the gold's performer again.
  const b1 = take('B1', bo, rT, o, [0.85, 1.2]);
  const a2 = take('A2', alice, rT, o, [0.85, 1.2]);
  const takes = [gold, b1, a2];

  const base = { width: o.width, height: o.height, view: { zoom: 1, shiftX: 0, shiftY: 0, rotDeg: 0 }, gain: 1, noise: 3 };
  // Every recording gets its own sensor noise and a slow auto-exposure drift of about 1 %.
  const rS = rngFor(o.seed, 'bench-sensor');
  let noiseSeed = 1;
  const shot = (s: Partial<Shot> = {}): Shot => ({
    ...base,
    drift: { amp: uniform(rS, 0.005, 0.015), hz: uniform(rS, 0.05, 0.2), phase: uniform(rS, 0, 2 * Math.PI) },
    ...s,
    noiseSeed: noiseSeed++,
  });
  const seg = (t: Take, step: number, style: StepStyle = 'normal', durationSec = t.stepSec[step], repeat = 0): SegmentSpec => ({
    step,
    style,
    durationSec,
    seed: t.stepSeed[step] + repeat * 7919,
  });
  const steps = Array.from({ length: n }, (_, i) => i);
  const frames = (sec: number) => Math.round(sec * o.fps) / o.fps;

  const videos: VideoPlan[] = [];
  const cases: CasePlan[] = [];
  // Every recording starts and ends with the take's idle time around the steps.
  const idle = (t: Take, end: 0 | 1): SegmentSpec => ({ step: IDLE, style: 'normal', durationSec: t.leadSec[end], seed: t.stepSeed[0] + 31 * (end + 1) });
  const video = (name: string, t: Take, segments: SegmentSpec[], s: Shot = shot(), fps = o.fps, camera?: VideoPlan['camera']): string => {
    videos.push({ name, file: `${name}.mp4`, take: t.id, segments: [idle(t, 0), ...segments, idle(t, 1)], shot: s, fps, ...(camera ? { camera } : {}) });
    return name;
  };
  const kase = (id: string, category: Category, trainee: string, faults: PlantedFault[], note: string, detect = false) =>
    cases.push({ id, category, trainee, expected: faults.length ? 'fail' : 'pass', faults, detect, note });

  video('gold', gold, steps.map((i) => seg(gold, i)));
  kase('correct-b', 'correct', video('correct-b', b1, steps.map((i) => seg(b1, i))), [], 'another performer, own timing, paths and hands');
  kase('correct-a2', 'correct', video('correct-a2', a2, steps.map((i) => seg(a2, i))), [], "the gold's performer, a second take");
  kase('correct-b-detect', 'correct', 'correct-b', [], 'correct-b with the gold steps detected by the engine', true);

  const rC = rngFor(o.seed, 'bench-cameras');
  for (const kind of ['zoom_tilt', 'shift_light', 'tilt_bright', 'res_fps'] as const) {
    const { view, gain } = cameraView(rC, kind);
    const other = kind === 'res_fps';
    const width = other ? Math.round((o.width * 1.25) / 2) * 2 : o.width;
    const height = other ? Math.round((o.height * 1.25) / 2) * 2 : o.height;
    const fps = other ? Math.max(4, Math.round(o.fps * 0.8)) : o.fps;
    const name = `camera-${kind.replace('_', '-')}`;
    const camera = { zoom: view.zoom, shift_x: view.shiftX, shift_y: view.shiftY, rotate_deg: view.rotDeg, brightness: gain - 1, width, height, fps };
    kase(name, 'camera', video(name, b1, steps.map((i) => seg(b1, i)), shot({ view, gain, width, height }), fps, camera), [], `correct-b through a moved camera (${kind.replace('_', ', ')})`);
  }

  const goldSec = gold.stepSec;
  // The over_time floor is an absolute time (2 s more than the gold), whatever the render's scale.
  const p = faultPicks(rngFor(o.seed, 'bench-faults'), n, goldSec, DEFAULT_SCORING_OPTIONS.overTimeMinExtraSec);
  const withSteps = (order: number[], f: (i: number) => SegmentSpec = (i) => seg(b1, i)) => order.map(f);
  const fault = (id: string, segments: SegmentSpec[], faults: PlantedFault[], note: string) => kase(id, 'fault', video(id, b1, segments), faults, note);

  for (const [id, step] of [['missing-first', 0], ['missing-middle', p.missingMiddle], ['missing-last', n - 1]] as const) {
    fault(id, withSteps(steps.filter((i) => i !== step)), [{ type: 'missing_step', step }], `step ${step} left out`);
  }
  const swapped = (a: number, b: number) => steps.map((i) => (i === a ? b : i === b ? a : i));
  fault('swap-adjacent', withSteps(swapped(p.adj, p.adj + 1)), [{ type: 'order_swap', step: p.adj }, { type: 'order_swap', step: p.adj + 1 }], `steps ${p.adj} and ${p.adj + 1} swapped`);
  fault('swap-apart', withSteps(swapped(p.swap[0], p.swap[1])), [{ type: 'order_swap', step: p.swap[0] }, { type: 'order_swap', step: p.swap[1] }], `steps ${p.swap[0]} and ${p.swap[1]} swapped`);
  fault(
    'rework',
    steps.flatMap((i) => (i === p.rework ? [seg(b1, i), seg(b1, i, 'normal', b1.stepSec[i], 1)] : [seg(b1, i)])),
    [{ type: 'rework', step: p.rework }],
    `step ${p.rework} done twice back to back`,
  );
  for (const [id, step, factor] of [['slow-1.5x', p.slow15, 1.5], ['slow-2.5x', p.slow25, 2.5]] as const) {
    // Slow against the gold's own time for the step: the take's pace, stretched.
    const segments = withSteps(steps, (i) => (i === step ? seg(b1, i, 'normal', frames(goldSec[i] * factor)) : seg(b1, i)));
    if (factor === 1.5 && !p.slow15Over) kase(id, 'correct', video(id, b1, segments), [], `step ${step} takes 1.5x the gold's time, less than the over_time floor's 2 s more at this scale: within the standard`);
    else fault(id, segments, [{ type: 'over_time', step }], `step ${step} takes ${factor}x the gold's time`);
  }
  fault('wrong-part', withSteps(steps, (i) => seg(b1, i, i === p.wrong ? 'wrong_part' : 'normal')), [{ type: 'step_deviation', step: p.wrong }], `step ${p.wrong} done with the look-alike part`);
  fault('all-steps-off', withSteps(steps, (i) => seg(b1, i, 'sloppy')), steps.map((step) => ({ type: 'step_deviation' as const, step })), 'every part placed visibly off its mark and turned; the screw left loose');
  kase('missing-middle-detect', 'fault', 'missing-middle', cases.find((c) => c.id === 'missing-middle')!.faults, 'missing-middle with the gold steps detected', true);
  kase('swap-adjacent-detect', 'fault', 'swap-adjacent', cases.find((c) => c.id === 'swap-adjacent')!.faults, 'swap-adjacent with the gold steps detected', true);

  return { seed: o.seed, width: o.width, height: o.height, fps: o.fps, scale: o.scale, takes, videos, cases };
}

/** Each segment's start and end in a video, seconds (the idle time before and after included, as step IDLE). */
export function timeline(v: VideoPlan): Array<{ step: number; style: StepStyle; start_sec: number; end_sec: number }> {
  let t = 0;
  return v.segments.map((s) => ({ step: s.step, style: s.style, start_sec: t, end_sec: (t += s.durationSec) }));
}

/** The gold's true step times. */
export function goldSteps(plan: BenchPlan): Array<{ name: string; start_sec: number; end_sec: number }> {
  const gold = plan.videos.find((v) => v.name === 'gold')!;
  return timeline(gold)
    .filter((s) => s.step !== IDLE)
    .map((s) => ({ name: BENCH_STEPS[s.step].name, start_sec: s.start_sec, end_sec: s.end_sec }));
}

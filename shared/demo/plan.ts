// The demo's plan, a pure function of the seed and options: step durations per performance,
// which steps are left out / swapped / done differently / slow in each variant, and every
// segment to render. The manifest is derived from it, so the same seed gives the same
// manifest whether or not anything is rendered.
import { DEMO_STEPS } from './scenes.js';
import { rngFor, shuffled, uniform, type Rng } from './random.js';

export type PlantedType = 'missing_step' | 'order_swap' | 'step_deviation' | 'over_time';
export type VariantName = 'gold' | 'correct' | 'missing' | 'swap' | 'deviation' | 'time_over' | 'mixed' | 'camera_correct' | 'camera_missing';
export const VARIANT_NAMES: VariantName[] = ['gold', 'correct', 'missing', 'swap', 'deviation', 'time_over', 'mixed', 'camera_correct', 'camera_missing'];

export interface DemoOptions {
  seed?: number; // default 1
  /** Multiplies every step duration (tests use ~0.2 for speed). Default 1. */
  scale?: number;
  width?: number; // default 320 (even)
  height?: number; // default 240 (even)
  fps?: number; // default 15 (integer)
}

/** Camera and light variation of one rendered segment. */
export interface SegmentLook {
  noiseSeed: number;
  noiseStrength: number;
  /** Camera jitter: crop offset amplitude (fraction of the margin) and frequencies (Hz). */
  jitter: { ax: number; ay: number; fx: number; fy: number; px: number; py: number };
  flicker: { amp: number; freq: number; phase: number };
}

/**
 * A camera that moved a little between the gold and the trainee recording, applied to the whole
 * rendered video: a slight tilt, then a zoom whose crop window sits at (pan_x, pan_y) (0..1 of
 * the free margin), then brightness/contrast.
 */
export interface ViewChange {
  angle_rad: number;
  zoom: number;
  pan_x: number;
  pan_y: number;
  brightness: number;
  contrast: number;
}

export interface SegmentPlan {
  step: number;
  style: 'normal' | 'deviation';
  frames: number;
  look: SegmentLook;
}

export interface VariantPlan {
  name: VariantName;
  file: string;
  expect_pass: boolean;
  planted: Array<{ type: PlantedType; steps: number[] }>;
  segments: SegmentPlan[];
  /** Re-filmed with a moved camera (camera_* variants). */
  view?: ViewChange;
}

export interface DemoPlan {
  seed: number;
  width: number;
  height: number;
  fps: number;
  scale: number;
  variants: VariantPlan[];
}

// The picks stay valid: only middle steps (1..4) are left out, swapped, changed or slowed,
// so every variant still starts with power-off and ends with power-on, and a swap is always
// of two adjacent middle steps.
const MIDDLE = [1, 2, 3, 4];

function look(rng: Rng): SegmentLook {
  return {
    noiseSeed: Math.floor(rng() * 1_000_000),
    noiseStrength: Math.round(uniform(rng, 6, 12)),
    jitter: {
      ax: uniform(rng, 0.5, 0.9),
      ay: uniform(rng, 0.5, 0.9),
      fx: uniform(rng, 0.2, 0.6),
      fy: uniform(rng, 0.2, 0.6),
      px: uniform(rng, 0, 2 * Math.PI),
      py: uniform(rng, 0, 2 * Math.PI),
    },
    flicker: { amp: uniform(rng, 0.02, 0.05), freq: uniform(rng, 0.3, 1.2), phase: uniform(rng, 0, 2 * Math.PI) },
  };
}

function viewChange(rng: Rng): ViewChange {
  const sign = () => (rng() < 0.5 ? -1 : 1);
  return {
    angle_rad: sign() * uniform(rng, 0.015, 0.035),
    zoom: uniform(rng, 1.06, 1.12),
    pan_x: uniform(rng, 0.1, 0.9),
    pan_y: uniform(rng, 0.1, 0.9),
    brightness: sign() * uniform(rng, 0.03, 0.07),
    contrast: uniform(rng, 0.9, 1.12),
  };
}

export function resolveOptions(o: DemoOptions): Required<DemoOptions> {
  const r = { seed: o.seed ?? 1, scale: o.scale ?? 1, width: o.width ?? 320, height: o.height ?? 240, fps: o.fps ?? 15 };
  if (!Number.isInteger(r.seed)) throw new RangeError(`seed must be an integer, got ${r.seed}`);
  if (!(r.scale > 0)) throw new RangeError(`scale must be positive, got ${r.scale}`);
  if (!Number.isInteger(r.fps) || r.fps < 1) throw new RangeError(`fps must be a positive integer, got ${r.fps}`);
  for (const [k, v] of [['width', r.width], ['height', r.height]] as const) {
    if (!Number.isInteger(v) || v < 32 || v % 2 !== 0) throw new RangeError(`${k} must be an even integer >= 32, got ${v}`);
  }
  return r;
}

export function planDemo(opts: DemoOptions = {}): DemoPlan {
  const o = resolveOptions(opts);
  const n = DEMO_STEPS.length;
  const toFrames = (sec: number) => Math.max(3, Math.round(sec * o.scale * o.fps));

  const rDur = rngFor(o.seed, 'durations');
  const goldSec = Array.from({ length: n }, () => uniform(rDur, 4, 8));
  // A second correct performance: each step within +-30% of gold.
  const traineeSec = goldSec.map((g) => g * uniform(rDur, 0.7, 1.3));

  const rPick = rngFor(o.seed, 'picks');
  const [missing, slow, deviant] = shuffled(rPick, MIDDLE);
  const swapA = 1 + Math.floor(rPick() * 3); // swap (swapA, swapA + 1), both in 1..4
  const slowFactor = uniform(rPick, 2.5, 3);

  const rLook = rngFor(o.seed, 'looks');
  const goldLooks = Array.from({ length: n }, () => look(rLook));
  const traineeLooks = Array.from({ length: n }, () => look(rLook));

  const gold = (i: number): SegmentPlan => ({ step: i, style: 'normal', frames: toFrames(goldSec[i]), look: goldLooks[i] });
  const trainee = (i: number): SegmentPlan => ({ step: i, style: 'normal', frames: toFrames(traineeSec[i]), look: traineeLooks[i] });
  const steps = Array.from({ length: n }, (_, i) => i);
  const withSlow = (s: SegmentPlan): SegmentPlan => (s.step === slow ? { ...s, frames: toFrames(goldSec[slow] * slowFactor) } : s);

  const swapped = steps.slice();
  [swapped[swapA], swapped[swapA + 1]] = [swapped[swapA + 1], swapped[swapA]];

  const v = (name: VariantName, expect_pass: boolean, planted: VariantPlan['planted'], segments: SegmentPlan[], view?: ViewChange): VariantPlan => ({
    name,
    file: `${name}.mp4`,
    expect_pass,
    planted,
    segments,
    ...(view ? { view } : {}),
  });
  // Own stream, so adding these variants left every other variant of a seed unchanged.
  const view = viewChange(rngFor(o.seed, 'view'));
  return {
    seed: o.seed,
    width: o.width,
    height: o.height,
    fps: o.fps,
    scale: o.scale,
    variants: [
      v('gold', true, [], steps.map(gold)),
      v('correct', true, [], steps.map(trainee)),
      v('missing', false, [{ type: 'missing_step', steps: [missing] }], steps.filter((i) => i !== missing).map(trainee)),
      v('swap', false, [{ type: 'order_swap', steps: [swapA, swapA + 1] }], swapped.map(trainee)),
      v('deviation', false, [{ type: 'step_deviation', steps: [deviant] }], steps.map((i) => (i === deviant ? { ...trainee(i), style: 'deviation' as const } : trainee(i)))),
      v('time_over', false, [{ type: 'over_time', steps: [slow] }], steps.map(trainee).map(withSlow)),
      v(
        'mixed',
        false,
        [
          { type: 'missing_step', steps: [missing] },
          { type: 'over_time', steps: [slow] },
        ],
        steps.filter((i) => i !== missing).map(trainee).map(withSlow),
      ),
      v('camera_correct', true, [], steps.map(trainee), view),
      v('camera_missing', false, [{ type: 'missing_step', steps: [missing] }], steps.filter((i) => i !== missing).map(trainee), view),
    ],
  };
}

// ---- manifest -------------------------------------------------------------------------

export interface ManifestSegment {
  step: number;
  name: string;
  style: 'normal' | 'deviation';
  frames: number;
  start_sec: number;
  end_sec: number;
}

export interface ManifestVariant {
  file: string;
  expect_pass: boolean;
  planted: Array<{ type: PlantedType; steps: number[] }>;
  /** Per gold step index (0..5): how long that step lasts in this video; null if left out. */
  step_durations_sec: Array<number | null>;
  duration_sec: number;
  /** The video's timeline: the steps in the order performed. */
  segments: ManifestSegment[];
  /** camera_* variants: how the camera moved against the other recordings. */
  view?: ViewChange;
}

export interface DemoManifest {
  generator: 'sopilot-demo/1';
  seed: number;
  fps: number;
  width: number;
  height: number;
  scale: number;
  steps: Array<{ index: number; name: string }>;
  variants: Record<VariantName, ManifestVariant>;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function manifestOf(plan: DemoPlan): DemoManifest {
  const variants = {} as Record<VariantName, ManifestVariant>;
  for (const vp of plan.variants) {
    let frame = 0;
    const segments = vp.segments.map((s) => {
      const seg = { step: s.step, name: DEMO_STEPS[s.step].name, style: s.style, frames: s.frames, start_sec: r4(frame / plan.fps), end_sec: r4((frame + s.frames) / plan.fps) };
      frame += s.frames;
      return seg;
    });
    const durations: Array<number | null> = DEMO_STEPS.map(() => null);
    for (const s of vp.segments) durations[s.step] = r4(s.frames / plan.fps);
    variants[vp.name] = {
      file: vp.file,
      expect_pass: vp.expect_pass,
      planted: vp.planted,
      step_durations_sec: durations,
      duration_sec: r4(frame / plan.fps),
      segments,
      ...(vp.view ? { view: { ...vp.view, ...Object.fromEntries(Object.entries(vp.view).map(([k, x]) => [k, r4(x)])) } } : {}),
    };
  }
  return {
    generator: 'sopilot-demo/1',
    seed: plan.seed,
    fps: plan.fps,
    width: plan.width,
    height: plan.height,
    scale: plan.scale,
    steps: DEMO_STEPS.map((s, index) => ({ index, name: s.name })),
    variants,
  };
}

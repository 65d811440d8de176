/**
 * Gold step boundaries from per-frame features with a short temporal context, not from the
 * stored 2 s clips (pure). A 2 s clip every 0.25 s mixes the two sides of a change for 2 s, so
 * on clip vectors a step shorter than about 3 s has no boundary the change-point model can find
 * (docs/evaluation.md, sixth session: the fit fell back to a grid of the shortest step). Frame
 * rows averaged over a few frames keep the change sharp to a frame (0.25 s at the default 4 fps)
 * and still damp single-frame noise. The boundaries found on them are then put on the clip rows
 * that scoring aligns: each at the first clip centred past it.
 */
import type { Matrix } from '../alignment/types.js';
import type { ClipTimes, GoldStep } from '../scoring/types.js';
import { detectChangePoints, optionsAtRate, stepsFromBoundaries, type ChangePointOptions } from './change-points.js';

/** Frames averaged on each side of a frame (1 at 4 fps: a row spans 0.75 s). */
export const FRAME_CONTEXT = 1;
/** Shortest step in seconds on frame rows (clip rows needed 3: a 2 s clip straddles a change). */
export const FRAME_MIN_STEP_SEC = 2;

/** Row t: the mean of frames t-half..t+half (fewer at the ends), L2-normalised. */
export function contextRows(frames: ArrayLike<Float32Array>, half: number): Matrix {
  const n = frames.length;
  if (n === 0) return { rows: 0, dim: 0, data: new Float32Array(0) };
  const d = frames[0].length;
  const data = new Float32Array(n * d);
  const sum = new Float64Array(d);
  // A running sum over the window: O(n d) whatever the context.
  let lo = 0;
  let hi = 0; // window = [lo, hi)
  for (let t = 0; t < n; t++) {
    const a = Math.max(0, t - half);
    const b = Math.min(n, t + half + 1);
    while (hi < b) {
      const f = frames[hi++];
      if (f.length !== d) throw new Error(`contextRows: frame ${hi - 1} has ${f.length} features, not ${d}`);
      for (let k = 0; k < d; k++) sum[k] += f[k];
    }
    while (lo < a) {
      const f = frames[lo++];
      for (let k = 0; k < d; k++) sum[k] -= f[k];
    }
    let nn = 0;
    for (let k = 0; k < d; k++) nn += sum[k] * sum[k];
    const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;
    for (let k = 0; k < d; k++) data[t * d + k] = sum[k] * inv;
  }
  return { rows: n, dim: d, data };
}

/**
 * The gold's steps on its clip rows, found on its frame rows. `fps`: the sampled frame rate;
 * options as detectSteps (clip counts mean seconds: they are scaled to the frame rate).
 */
export function detectStepsFromFrames(frames: ArrayLike<Float32Array>, fps: number, clipTimes: ClipTimes, clipCount: number, options: ChangePointOptions = {}, half = FRAME_CONTEXT): GoldStep[] {
  if (!(fps > 0)) throw new RangeError(`detectStepsFromFrames: fps ${fps}`);
  if (clipCount === 0) return [];
  const rows = contextRows(frames, half);
  // Row t shares frames with the 2*half rows after it, but a row straddling a change is mostly
  // one side (at half 1, a third of it is the other): the contrast check keeps it. Leaving such
  // rows out, as for 2 s clips, blinded the check on 2 s steps (measured: the fit's 2 s grid was
  // kept on the bench gold).
  const found = rows.rows ? detectChangePoints(rows, optionsAtRate(options, fps, FRAME_MIN_STEP_SEC, options.overlapClips ?? 0)).boundaries : [];
  // Frame b starts at b / fps: the step starts with the first clip centred at or after it.
  const centre = (i: number) => (clipTimes.start_sec[i] + clipTimes.end_sec[i]) / 2;
  const cuts: number[] = [];
  let i = 0;
  for (const b of found) {
    const t = b / fps;
    while (i < clipCount && centre(i) < t) i++;
    if (i > 0 && i < clipCount && i !== cuts[cuts.length - 1]) cuts.push(i);
  }
  return stepsFromBoundaries(cuts, clipCount, clipTimes);
}

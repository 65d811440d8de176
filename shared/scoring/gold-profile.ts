/**
 * What "well matched" means for each gold step, measured on the gold video alone (so it can be
 * computed once per gold video and stored):
 * - baseline: mean cosine similarity of consecutive clips inside the step: two observations of
 *   the same step a clip apart, the similarity a correct trainee clip should reach;
 * - floor: similarity of the step's best subsequence match inside the rest of the gold video
 *   (its own clips masked out): what a trainee who left the step out would still score.
 */
import type { Matrix } from '../alignment/types.js';
import type { GoldStep } from './types.js';
import { REFERENCE_BACKEND, type ScoringBackend } from './backend.js';

export interface GoldStepProfile {
  index: number;
  baseline: number;
  floor: number;
}

export interface GoldProfile {
  steps: GoldStepProfile[];
  /** Clip-weighted means over the steps. */
  baseline: number;
  floor: number;
  /** cos(gold clip i, clip i+1) for every i (idle.ts compares trainee stills against these). */
  consecutive: number[];
}

/** Cost value that masks a cell: the largest possible cosine distance. */
export const MASK_COST = 2;

export function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function checkSteps(steps: GoldStep[], n: number): void {
  if (steps.length === 0) throw new RangeError('scoring: gold has no steps');
  let prev = 0;
  for (const s of steps) {
    if (s.start_clip !== prev || s.end_clip <= s.start_clip || s.end_clip > n) {
      throw new RangeError(`scoring: gold steps must tile [0, ${n}) in order; bad step ${s.index} [${s.start_clip}, ${s.end_clip})`);
    }
    prev = s.end_clip;
  }
  if (prev !== n) throw new RangeError(`scoring: gold steps end at clip ${prev}, gold has ${n} clips`);
}

/**
 * Profile from the gold self-cost matrix (n*n, 1 - cos). `defaultFloor` is used when the gold has
 * a single step (no other content to compare with).
 */
export function goldProfileFromCost(
  selfCost: Float32Array,
  n: number,
  steps: GoldStep[],
  backend: Pick<ScoringBackend, 'dtwFromCost'> = REFERENCE_BACKEND,
  defaultFloor = 0,
): GoldProfile {
  checkSteps(steps, n);
  const baselines: number[] = [];
  for (const s of steps) {
    let sum = 0;
    let cnt = 0;
    for (let i = s.start_clip; i + 1 < s.end_clip; i++) {
      sum += 1 - selfCost[i * n + i + 1];
      cnt++;
    }
    // Consecutive clips are a whole stride apart; a correct trainee's clips, matched by DTW, are at
    // most half a stride off the gold's, so a correct repeat reaches about halfway between the
    // consecutive-clip similarity and a clip's similarity with itself (1). Steps with a large change
    // inside (a door closing) have a low consecutive similarity, and without this a correct repeat
    // overshoots it and hides a step that was done differently.
    baselines.push(cnt > 0 ? (1 + sum / cnt) / 2 : NaN);
  }
  // One-clip steps have no pair of their own: borrow the median of the others (1 if none).
  const known = baselines.filter((b) => !Number.isNaN(b));
  const fallback = known.length > 0 ? median(known) : 1;
  const out: GoldStepProfile[] = [];
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k];
    const len = s.end_clip - s.start_clip;
    let floor = defaultFloor;
    if (len < n) {
      const rows = selfCost.slice(s.start_clip * n, s.end_clip * n);
      for (let r = 0; r < len; r++) rows.fill(MASK_COST, r * n + s.start_clip, r * n + s.end_clip);
      floor = 1 - backend.dtwFromCost(rows, len, n, { variant: 'subsequence' }).normalizedCost;
    }
    out.push({ index: s.index, baseline: Number.isNaN(baselines[k]) ? fallback : baselines[k], floor });
  }
  let wb = 0;
  let wf = 0;
  for (let k = 0; k < steps.length; k++) {
    const w = (steps[k].end_clip - steps[k].start_clip) / n;
    wb += w * out[k].baseline;
    wf += w * out[k].floor;
  }
  const consecutive: number[] = [];
  for (let i = 0; i + 1 < n; i++) consecutive.push(1 - selfCost[i * n + i + 1]);
  return { steps: out, baseline: wb, floor: wf, consecutive };
}

/** Profile of a gold video from its embeddings. */
export function goldProfile(
  gold: Matrix,
  steps: GoldStep[],
  backend: ScoringBackend = REFERENCE_BACKEND,
  defaultFloor = 0,
): GoldProfile {
  return goldProfileFromCost(backend.costMatrix(gold, gold), gold.rows, steps, backend, defaultFloor);
}


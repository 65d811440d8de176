/**
 * Where the trainee really did each gold step: the step's own best subsequence alignment against
 * the whole trainee video, on row slices of the one gold x trainee cost matrix.
 */
import type { GoldStep } from './types.js';
import type { DtwFromCostFn } from './backend.js';
import { MASK_COST } from './gold-profile.js';

export interface StepMatch {
  /** Trainee clips, inclusive, of the subsequence alignment. */
  start: number;
  end: number;
  /** Mean cosine similarity along the alignment path. */
  similarity: number;
  /** Path as [gold clip, trainee clip]. */
  path: Array<[number, number]>;
}

/** Quality scale of one step: q = (sim - floor) / den. */
export interface StepScale {
  floor: number;
  den: number;
}

export function quality(sim: number, sc: StepScale): number {
  return (sim - sc.floor) / sc.den;
}

/**
 * Best match of the step in the trainee. `maskFrom..maskTo` (inclusive trainee clips) are made
 * unmatchable first (used to look for a second visit). null when everything is masked.
 */
export function matchStep(
  cost: Float32Array,
  m: number,
  step: GoldStep,
  dtwFromCost: DtwFromCostFn,
  mask?: { from: number; to: number },
): StepMatch | null {
  const len = step.end_clip - step.start_clip;
  let rows = cost.subarray(step.start_clip * m, step.end_clip * m);
  if (mask) {
    if (mask.from <= 0 && mask.to >= m - 1) return null;
    rows = rows.slice();
    for (let r = 0; r < len; r++) rows.fill(MASK_COST, r * m + mask.from, r * m + mask.to + 1);
  }
  const res = dtwFromCost(rows, len, m, { variant: 'subsequence' });
  let start = m;
  let end = -1;
  for (const [, j] of res.path) {
    if (j < start) start = j;
    if (j > end) end = j;
  }
  if (mask && end >= mask.from && start <= mask.to) return null; // only masked cells were left
  return {
    start,
    end,
    similarity: 1 - res.normalizedCost,
    path: res.path.map(([i, j]) => [i + step.start_clip, j] as [number, number]),
  };
}

/**
 * Per trainee clip, the quality against each step (best clip of the step) and which step fits
 * it best. colQ is K*m (step-major).
 */
export function columnQualities(
  cost: Float32Array,
  n: number,
  m: number,
  steps: GoldStep[],
  scales: StepScale[],
): { colQ: Float64Array; bestStep: Int32Array } {
  const K = steps.length;
  const colQ = new Float64Array(K * m);
  const bestStep = new Int32Array(m).fill(-1);
  for (let k = 0; k < K; k++) {
    const s = steps[k];
    const best = new Float64Array(m).fill(-Infinity);
    for (let i = s.start_clip; i < s.end_clip; i++) {
      const o = i * m;
      for (let j = 0; j < m; j++) {
        const v = 1 - cost[o + j];
        if (v > best[j]) best[j] = v;
      }
    }
    for (let j = 0; j < m; j++) colQ[k * m + j] = quality(best[j], scales[k]);
  }
  for (let j = 0; j < m; j++) {
    let b = 0;
    for (let k = 1; k < K; k++) if (colQ[k * m + j] > colQ[b * m + j]) b = k;
    bestStep[j] = b;
  }
  void n;
  return { colQ, bestStep };
}

/**
 * Grows a match over neighbouring trainee clips that still show the step's edge (its first
 * third going left, its last third going right) and fit this step better than any other:
 * the subsequence alignment minimises summed cost, so on a slow step it covers as few trainee
 * clips as it can; the trainee lingering in the step's start or end state is still this step.
 * `blocked` clips (other steps' segments) stop the growth.
 */
export function extendMatch(
  cost: Float32Array,
  m: number,
  k: number,
  step: GoldStep,
  scale: StepScale,
  bestStep: Int32Array,
  minQuality: number,
  match: { start: number; end: number },
  blocked: Uint8Array,
): { start: number; end: number } {
  const len = step.end_clip - step.start_clip;
  const w = Math.max(1, Math.ceil(len / 3));
  const edgeQ = (j: number, from: number, to: number): number => {
    let b = -Infinity;
    for (let i = from; i < to; i++) b = Math.max(b, 1 - cost[i * m + j]);
    return quality(b, scale);
  };
  let { start, end } = match;
  while (start > 0 && !blocked[start - 1] && bestStep[start - 1] === k && edgeQ(start - 1, step.start_clip, step.start_clip + w) >= minQuality) start--;
  while (end < m - 1 && !blocked[end + 1] && bestStep[end + 1] === k && edgeQ(end + 1, step.end_clip - w, step.end_clip) >= minQuality) end++;
  return { start, end };
}

/**
 * Grows the present steps' matched segments over the unclaimed trainee clips around them.
 * The subsequence alignment minimises summed cost, so on a slow step it covers as few trainee
 * clips as it can; the clips between two matched segments were spent on one of the two steps
 * that border them (or on nothing). Each gap is shared between exactly those two steps: a clip
 * goes to the side it fits better (quality against any clip of the step), while its quality stays
 * at least `minQuality`; growth from each side stops at the first clip the other side fits better.
 * Only the bordering steps compete, so a clip that merely resembles a far-away step (same panel,
 * same hands) does not cut a slow step short. Overlapping segments (out-of-order matches) are not
 * changed. Segments are inclusive trainee clip ranges; null = step not present.
 */
export function growIntoGaps(
  colQ: Float64Array,
  m: number,
  segs: Array<{ start: number; end: number } | null>,
  minQuality: number,
): Array<{ start: number; end: number } | null> {
  const out = segs.map((s) => (s ? { ...s } : null));
  const order = out
    .map((s, k) => ({ s, k }))
    .filter((x): x is { s: { start: number; end: number }; k: number } => x.s !== null)
    .sort((a, b) => a.s.start - b.s.start || a.s.end - b.s.end);
  const q = (k: number, j: number) => colQ[k * m + j];
  for (let t = -1; t < order.length; t++) {
    const L = t >= 0 ? order[t] : null;
    const R = t + 1 < order.length ? order[t + 1] : null;
    let lo = L ? L.s.end + 1 : 0; // first gap clip
    let hi = R ? R.s.start - 1 : m - 1; // last gap clip
    if (L && R && R.s.start <= L.s.end) continue; // overlapping: no gap
    while (lo <= hi) {
      const growL = L && q(L.k, lo) >= minQuality && (!R || q(L.k, lo) >= q(R.k, lo));
      const growR = R && q(R.k, hi) >= minQuality && (!L || q(R.k, hi) > q(L.k, hi));
      if (!growL && !growR) break;
      if (growL) L!.s.end = lo++;
      if (growR && lo <= hi) R!.s.start = hi--;
    }
  }
  return out;
}

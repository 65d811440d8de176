/**
 * Step boundaries of a gold video from its clip embeddings: penalised optimal partitioning (PELT)
 * with a piecewise-constant mean model (the squared-error / linear-kernel change-point cost).
 *
 * Why this model: a step is a stretch of clips scattered around one mean direction; consecutive
 * clips differ by noise, camera shake or motion inside the step. A new step moves the mean. The
 * cost of a segment is its within-segment scatter, sum ||x_i - mean||^2 (for unit rows this is
 * L - |sum x|^2 / L, i.e. close to twice the sum of 1 - cos to the segment mean), so a split only
 * pays when it explains much more scatter than the penalty.
 *
 * Penalty (BIC-like, automatic): beta = penaltyScale * sigma2 * ln(n), where sigma2 is the robust
 * within-step scatter per clip: the median over all sliding windows of width `window` of the
 * window's variance. BIC for a d-dim mean with per-dim variance sigma2/d costs d * (sigma2/d) *
 * ln n = sigma2 ln n per extra segment. Windows that straddle a boundary are a minority, so the
 * median ignores them; motion inside a step raises the local scatter and hence the penalty, which
 * is what keeps a moving step in one piece.
 *
 * Gradual motion (a drift across a long step) still lowers the scatter when split, so each
 * boundary is then checked for abruptness: the jump between the local means on its two sides must
 * be minContrast times the median jump measured (same window) inside the two segments. A drift
 * or a periodic motion gives similar jumps everywhere and is merged back; a real step change
 * stands out. Weakest boundaries are merged first, one at a time. With overlapping clips the
 * clips straddling a position are left out of the jump (they mix both sides).
 *
 * Defaults are for rendered video (the synthetic demo renders; over-segment: a missed boundary is fatal for scoring, an extra
 * split is not); STRICT_CHANGE_POINT_OPTIONS for long steps with slow motion. Figures: docs/scoring.md.
 */
import { clipSpan } from '../scoring/clip-span.js';
import type { Matrix } from '../alignment/types.js';
import type { ClipTimes, GoldStep } from '../scoring/types.js';

export interface ChangePointOptions {
  /** Shortest step, in clips. */
  minStepClips?: number;
  /** Explicit penalty (in squared-norm units); overrides the automatic one. */
  penalty?: number;
  /** Multiplier on the automatic BIC-like penalty. */
  penaltyScale?: number;
  /** Width (clips) of the windows used to estimate the within-step scatter; default max(4, 2*minStepClips). */
  window?: number;
  /** Upper bound on the number of steps (keeps the strongest boundaries); undefined = no bound. */
  maxSteps?: number;
  /**
   * A boundary must be an abrupt change: the jump between the local means just before and just
   * after it must be at least `minContrast` times the typical jump at the same scale inside the
   * two segments it separates. Otherwise it is gradual motion inside one step and is merged.
   * 0 disables the check.
   */
  minContrast?: number;
  /** Half-width (clips) of the local means of the contrast check; capped by the segment lengths. */
  contrastWindow?: number;
  /**
   * Half-width (clips) of the local means that place each kept boundary (sharpen); 0 leaves the
   * boundaries where the penalised fit put them.
   */
  placeWindow?: number;
  /**
   * How many following clips share frames with a clip (0: disjoint clips; 1: 2 s clips every 1 s).
   * A clip centred near a boundary mixes both steps, so the contrast check compares the clips just
   * outside those straddling clips. `detectSteps` derives it from the clip times.
   */
  overlapClips?: number;
}

/**
 * Defaults tuned on the synthetic demo renders (demo sets, MobileNet and heuristic embedders; docs/scoring.md):
 * short steps whose boundaries are only 1.5-3x the within-step noise and as strong as state
 * changes inside a step. A missed boundary merges two steps (fatal for scoring), an extra split
 * is tolerated, so the defaults over- rather than under-segment. `STRICT_CHANGE_POINT_OPTIONS`
 * keeps a long step with slow motion in one piece when steps are very distinct.
 */
export const DEFAULT_CHANGE_POINT_OPTIONS = {
  minStepClips: 3,
  penaltyScale: 0.5,
  minContrast: 1,
  contrastWindow: 5,
  placeWindow: 1,
} as const;

/** For procedures whose steps differ far more than the motion inside a step (see above). */
export const STRICT_CHANGE_POINT_OPTIONS = { penaltyScale: 1, minContrast: 2 } as const;

export interface ChangePointResult {
  /** Segment starts after the first: sorted clip indices b with 0 < b < n. */
  boundaries: number[];
  /** The penalty that was used. */
  penalty: number;
  /** Estimated within-step scatter per clip (sum over dims). */
  sigma2: number;
}

/** Prefix sums for O(dim) segment costs. */
class SegmentCost {
  private readonly s: Float64Array; // (n+1) * dim
  private readonly q: Float64Array; // n+1, prefix of squared norms
  constructor(private readonly x: Matrix) {
    const { rows: n, dim: d, data } = x;
    this.s = new Float64Array((n + 1) * d);
    this.q = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      let sq = 0;
      const o = i * d;
      const p = i * d;
      const c = (i + 1) * d;
      for (let k = 0; k < d; k++) {
        const v = data[o + k];
        this.s[c + k] = this.s[p + k] + v;
        sq += v * v;
      }
      this.q[i + 1] = this.q[i] + sq;
    }
  }
  /** Squared distance between the means of clips [a, b) and [b, c). */
  jump(a: number, b: number, c: number): number {
    const d = this.x.dim;
    const l1 = b - a;
    const l2 = c - b;
    let n2 = 0;
    for (let k = 0; k < d; k++) {
      const v = (this.s[b * d + k] - this.s[a * d + k]) / l1 - (this.s[c * d + k] - this.s[b * d + k]) / l2;
      n2 += v * v;
    }
    return n2;
  }
  /** Squared distance between the means of clips [a1, b1) and [a2, b2). */
  gapJump(a1: number, b1: number, a2: number, b2: number): number {
    const d = this.x.dim;
    let n2 = 0;
    for (let k = 0; k < d; k++) {
      const v = (this.s[b1 * d + k] - this.s[a1 * d + k]) / (b1 - a1) - (this.s[b2 * d + k] - this.s[a2 * d + k]) / (b2 - a2);
      n2 += v * v;
    }
    return n2;
  }
  /** Within-segment scatter of clips [a, b): sum ||x_i - mean||^2. */
  cost(a: number, b: number): number {
    const d = this.x.dim;
    const L = b - a;
    if (L <= 1) return 0;
    const sa = a * d;
    const sb = b * d;
    let n2 = 0;
    for (let k = 0; k < d; k++) {
      const v = this.s[sb + k] - this.s[sa + k];
      n2 += v * v;
    }
    const c = this.q[b] - this.q[a] - n2 / L;
    return c > 0 ? c : 0;
  }
}

function median(v: number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Change points of a sequence of (L2-normalised) clip embeddings. Deterministic. */
export function detectChangePoints(x: Matrix, options: ChangePointOptions = {}): ChangePointResult {
  const n = x.rows;
  const minLen = Math.max(1, Math.floor(options.minStepClips ?? DEFAULT_CHANGE_POINT_OPTIONS.minStepClips));
  const scale = options.penaltyScale ?? DEFAULT_CHANGE_POINT_OPTIONS.penaltyScale;
  if (n <= 0) return { boundaries: [], penalty: 0, sigma2: 0 };
  const sc = new SegmentCost(x);

  // Robust within-step scatter per clip.
  const w = Math.min(n, Math.max(2, options.window ?? Math.max(4, 2 * minLen)));
  const vars: number[] = [];
  for (let i = 0; i + w <= n; i++) vars.push(sc.cost(i, i + w) / (w - 1));
  // Floor keeps noise-free synthetic input from splitting on rounding error.
  const sigma2 = Math.max(median(vars), 1e-4);
  const penalty = options.penalty ?? scale * sigma2 * Math.log(Math.max(n, 2));

  if (n < 2 * minLen) return { boundaries: [], penalty, sigma2 };

  // PELT: F[t] = min_s F[s] + cost(s, t) + beta, over admissible s (t - s >= minLen).
  const F = new Float64Array(n + 1).fill(Infinity);
  const last = new Int32Array(n + 1).fill(-1);
  F[0] = -penalty;
  let cands: number[] = [];
  for (let t = minLen; t <= n; t++) {
    const s0 = t - minLen;
    if (s0 === 0 || s0 >= minLen) cands.push(s0);
    let best = Infinity;
    let arg = -1;
    const vals = new Float64Array(cands.length);
    for (let k = 0; k < cands.length; k++) {
      const s = cands[k];
      const v = F[s] + sc.cost(s, t);
      vals[k] = v;
      // Strict < keeps the earliest s on ties: deterministic.
      if (v + penalty < best) {
        best = v + penalty;
        arg = s;
      }
    }
    F[t] = best;
    last[t] = arg;
    // Pruning (PELT, K = 0): s can never be optimal again once F[s] + cost(s,t) > F[t].
    const keep: number[] = [];
    for (let k = 0; k < cands.length; k++) if (vals[k] <= best) keep.push(cands[k]);
    cands = keep;
  }
  let boundaries: number[] = [];
  for (let t = n; t > 0; ) {
    const s = last[t];
    if (s < 0) break; // unreachable for n >= minLen
    if (s > 0) boundaries.push(s);
    t = s;
  }
  boundaries.reverse();
  const rho = options.minContrast ?? DEFAULT_CHANGE_POINT_OPTIONS.minContrast;
  if (rho > 0) {
    const hw = Math.max(1, options.contrastWindow ?? DEFAULT_CHANGE_POINT_OPTIONS.contrastWindow);
    const ov = Math.max(0, Math.floor(options.overlapClips ?? 0));
    boundaries = mergeGradual(sc, boundaries, n, rho, hw, ov);
  }
  if (options.maxSteps !== undefined && boundaries.length + 1 > options.maxSteps) {
    boundaries = strongest(sc, boundaries, n, Math.max(1, options.maxSteps) - 1);
  }
  const pw = Math.max(0, Math.floor(options.placeWindow ?? DEFAULT_CHANGE_POINT_OPTIONS.placeWindow));
  if (pw > 0) boundaries = sharpen(sc, boundaries, n, minLen, Math.max(0, Math.floor(options.overlapClips ?? 0)), pw);
  return { boundaries, penalty, sigma2 };
}

/**
 * Contrast of boundary i: jump across it over the median jump of the same geometry at the
 * positions inside its two segments whose windows do not cross it. A jump compares the w-clip
 * means on either side of a position, leaving out the `ov` clips on each side that straddle it
 * (with overlapping clips those mix both steps and would halve a real jump). Infinity when the
 * segments are too short to give a reference (the penalised fit alone decides then).
 */
function contrast(sc: SegmentCost, cur: number[], i: number, n: number, hw: number, ov: number): number {
  const a = i === 0 ? 0 : cur[i - 1];
  const b = cur[i];
  const c = i === cur.length - 1 ? n : cur[i + 1];
  // A third of the shorter segment, so both segments still offer reference positions.
  const w = Math.min(hw, Math.max(1, Math.floor(Math.min(b - a, c - b) / 3)));
  const h = ov + w; // reach of a jump's windows on each side
  if (b - h < a || b + h > c) return Infinity;
  const jumpAt = (p: number) => sc.gapJump(p - h, p - ov, p + ov, p + h);
  const jb = jumpAt(b);
  const ref: number[] = [];
  for (let p = a + h; p <= c - h; p++) {
    if (p > b - h && p < b + h) continue; // its windows would straddle b
    ref.push(jumpAt(p));
  }
  if (ref.length < 3) return Infinity;
  const med = median(ref);
  return med > 0 ? jb / med : Infinity;
}

/** Greedily merges the least abrupt boundary while its contrast is below rho. */
function mergeGradual(sc: SegmentCost, b: number[], n: number, rho: number, hw: number, ov: number): number[] {
  const cur = [...b];
  while (cur.length > 0) {
    let weakest = -1;
    let weakestC = Infinity;
    for (let i = 0; i < cur.length; i++) {
      const c = contrast(sc, cur, i, n, hw, ov);
      if (c < weakestC) {
        weakestC = c;
        weakest = i;
      }
    }
    if (weakest < 0 || weakestC >= rho) break;
    cur.splice(weakest, 1);
  }
  return cur;
}

/**
 * Places each kept boundary, within minLen clips of where the fit put it and inside its
 * neighbours, where the means of the hw clips on either side differ most, leaving out the ov
 * clips that straddle it. Why: overlapping clips make the within-step scatter, and
 * so the penalty, small; the penalised fit then cuts on a grid about minLen apart and the
 * contrast check only removes cuts, so a kept cut can sit up to a clip length off the change.
 * A clip that straddles a change mixes both sides; the clips just outside do not, so their
 * difference peaks where the change is. The count of steps is unchanged.
 */
function sharpen(sc: SegmentCost, b: number[], n: number, minLen: number, ov: number, hw: number): number[] {
  const cur = [...b];
  for (let i = 0; i < cur.length; i++) {
    const a = i === 0 ? 0 : cur[i - 1];
    const c = i === cur.length - 1 ? n : cur[i + 1];
    let best = cur[i];
    let bestJump = -1;
    for (let p = Math.max(a + minLen, cur[i] - minLen); p <= Math.min(c - minLen, cur[i] + minLen); p++) {
      // The ov clips straddling a change at p are p - ov/2 .. p + ov/2 - 1 (clip p is the first
      // whose centre lies past it): left out, so one position stands out, not a plateau.
      const l = p - Math.floor(ov / 2);
      const r = p + Math.ceil(ov / 2);
      const lo = Math.max(a, l - hw);
      const hi = Math.min(c, r + hw);
      if (l - lo < 1 || hi - r < 1) continue;
      const j = sc.gapJump(lo, l, r, hi);
      if (j > bestJump) ((bestJump = j), (best = p));
    }
    cur[i] = best;
  }
  return cur;
}

/** Keeps the k boundaries whose removal would cost most (greedy merge of the weakest). */
function strongest(sc: SegmentCost, b: number[], n: number, k: number): number[] {
  const cur = [...b];
  while (cur.length > k) {
    let weakest = 0;
    let weakestGain = Infinity;
    for (let i = 0; i < cur.length; i++) {
      const a = i === 0 ? 0 : cur[i - 1];
      const c = i === cur.length - 1 ? n : cur[i + 1];
      const gain = sc.cost(a, c) - sc.cost(a, cur[i]) - sc.cost(cur[i], c);
      if (gain < weakestGain) {
        weakestGain = gain;
        weakest = i;
      }
    }
    cur.splice(weakest, 1);
  }
  return cur;
}

/** Gold steps ("Step 1", "Step 2", ...; index is 0-based) from change points and clip times. */
export function stepsFromBoundaries(boundaries: number[], n: number, times: ClipTimes): GoldStep[] {
  const cuts = [0, ...boundaries, n];
  const steps: GoldStep[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k];
    const b = cuts[k + 1];
    if (b <= a) continue;
    steps.push({
      index: steps.length,
      name: `Step ${steps.length + 1}`,
      start_clip: a,
      end_clip: b,
      ...clipSpan(times, a, b - 1),
    });
  }
  return steps;
}

/** Detects the steps of a gold video. `times` gives each clip's start/end in seconds. */
export function detectSteps(x: Matrix, times: ClipTimes, options: ChangePointOptions = {}): GoldStep[] {
  if (times.start_sec.length < x.rows || times.end_sec.length < x.rows) {
    throw new RangeError(`detectSteps: ${x.rows} clips but ${times.start_sec.length}/${times.end_sec.length} times`);
  }
  if (x.rows === 0) return [];
  const opts = optionsAtRate(options, 1 / strideFromTimes(times, x.rows), DEFAULT_CHANGE_POINT_OPTIONS.minStepClips, options.overlapClips ?? overlapFromTimes(times, x.rows));
  return stepsFromBoundaries(detectChangePoints(x, opts).boundaries, x.rows, times);
}

/**
 * The clip-count options mean rows 1 s apart (the defaults were set there): at `perSec` rows a
 * second they are scaled, so a step is as long in seconds whatever the rows' rate.
 */
export function optionsAtRate(options: ChangePointOptions, perSec: number, minStepSec: number, overlapClips: number): ChangePointOptions {
  const scale = (c: number | undefined, d: number) => Math.max(1, Math.round((c ?? d) * perSec));
  return {
    ...options,
    minStepClips: scale(options.minStepClips, minStepSec),
    contrastWindow: scale(options.contrastWindow, DEFAULT_CHANGE_POINT_OPTIONS.contrastWindow),
    placeWindow: options.placeWindow === 0 ? 0 : scale(options.placeWindow, DEFAULT_CHANGE_POINT_OPTIONS.placeWindow),
    ...(options.window !== undefined ? { window: scale(options.window, options.window) } : {}),
    overlapClips,
  };
}

/** Median seconds between consecutive clip starts (1 when there is one clip). */
export function strideFromTimes(times: ClipTimes, n: number): number {
  const d: number[] = [];
  for (let i = 0; i + 1 < n; i++) d.push(times.start_sec[i + 1] - times.start_sec[i]);
  const m = d.length ? median(d) : 1;
  return m > 0 ? m : 1;
}

/** Median number of following clips that start before a clip ends (0 for disjoint clips). */
export function overlapFromTimes(times: ClipTimes, n: number): number {
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    let j = i + 1;
    while (j < n && times.start_sec[j] < times.end_sec[i] - 1e-9) j++;
    counts.push(j - i - 1);
  }
  return Math.round(median(counts.slice(0, Math.max(1, n - 4)))); // the last clips have fewer followers
}

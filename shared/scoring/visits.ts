/**
 * One alignment that can say what happened to every gold step (a Drop-DTW flavour, pure):
 * every trainee row is matched to a gold row or dropped, in gold order, where moving forward in
 * the gold is free (a left-out step is skipped, a fast step is crossed quickly), staying is free
 * (a slow step holds its rows), dropping a row costs a fixed price (idle time, foreign footage)
 * and jumping back costs a larger one (a step redone, or done after later steps). Reading the
 * matched rows as runs on one gold step gives each step's visits: none = left out, two = redone,
 * out of gold order = swapped, longer than the gold = over time.
 */
import type { GoldStep } from './types.js';
import { nativeScoringKernels } from '../alignment/index.js';

export interface VisitCosts {
  /** Cost of leaving a trainee row unmatched (cost units: 1 - cosine). */
  drop: number;
  /** Cost of a jump back in the gold: one for every target row, or one per gold row (the row jumped to). */
  jump: number | ArrayLike<number>;
}

/**
 * For each trainee row, the gold row it is matched to, or -1 when dropped. cost is n x m
 * (gold-major, 1 - cosine). O(n m) time, O(n m) bytes for the way back.
 */
export function alignWithDrops(cost: Float32Array, n: number, m: number, c: VisitCosts): Int32Array {
  if (n <= 0 || m <= 0) throw new RangeError(`alignWithDrops: empty input (${n} x ${m})`);
  if (cost.length < n * m) throw new RangeError(`alignWithDrops: cost has ${cost.length} cells, need ${n * m}`);
  // The native DP (native/src/score_kernels.cc) when the addon is loaded: the same float64
  // operations in the same order, so the same assignment to the bit; else the reference below.
  const k = nativeScoringKernels();
  if (k) {
    let jumpRow: Float64Array | null = null;
    if (typeof c.jump !== 'number') {
      jumpRow = c.jump instanceof Float64Array && c.jump.length >= n ? c.jump : new Float64Array(n);
      if (jumpRow !== c.jump) for (let i = 0; i < n; i++) jumpRow[i] = c.jump[i]; // a missing entry reads NaN, as below
    }
    return k.alignWithDrops(cost, n, m, c.drop, typeof c.jump === 'number' ? c.jump : 0, jumpRow);
  }
  return alignWithDropsReference(cost, n, m, c);
}

/** The TypeScript alignWithDrops (the definition the native DP mirrors). */
export function alignWithDropsReference(cost: Float32Array, n: number, m: number, c: VisitCosts): Int32Array {
  if (n <= 0 || m <= 0) throw new RangeError(`alignWithDrops: empty input (${n} x ${m})`);
  if (cost.length < n * m) throw new RangeError(`alignWithDrops: cost has ${cost.length} cells, need ${n * m}`);
  let prev = new Float64Array(n); // best cost of rows 0..j-1 ending in state i (matched at i, or dropped after i)
  let cur = new Float64Array(n);
  const from = new Int32Array(m * n);
  const flags = new Uint8Array(m * n); // 1: dropped, 2: arrived by a jump back
  // The previous row's minimum (where a jump back comes from), kept while the row is filled.
  let gmin = Infinity;
  let garg = 0;
  for (let j = 0; j < m; j++) {
    let pmin = Infinity;
    let parg = 0;
    let nmin = Infinity;
    let narg = 0;
    for (let i = 0; i < n; i++) {
      const jumpFrom = gmin + (typeof c.jump === 'number' ? c.jump : c.jump[i]);
      let pc: number;
      let pa: number;
      let f = 0;
      if (j === 0) {
        // The trainee may start anywhere in the gold (a left-out first step).
        pc = 0;
        pa = i;
      } else {
        if (prev[i] < pmin) ((pmin = prev[i]), (parg = i));
        pc = pmin;
        pa = parg;
        if (jumpFrom < pc) ((pc = jumpFrom), (pa = garg), (f = 2));
      }
      const mc = cost[i * m + j];
      let v: number;
      if (c.drop < mc) {
        v = pc + c.drop;
        f |= 1;
      } else v = pc + mc;
      cur[i] = v;
      if (v < nmin) ((nmin = v), (narg = i));
      from[j * n + i] = pa;
      flags[j * n + i] = f;
    }
    gmin = nmin;
    garg = narg;
    [prev, cur] = [cur, prev];
  }
  let s = 0;
  for (let i = 1; i < n; i++) if (prev[i] < prev[s]) s = i;
  const out = new Int32Array(m);
  for (let j = m - 1; j >= 0; j--) {
    const o = j * n + s;
    out[j] = flags[o] & 1 ? -1 : s;
    s = from[o];
  }
  return out;
}

export interface Visit {
  step: number;
  /** Trainee rows, inclusive (dropped rows inside a visit belong to it). */
  start: number;
  end: number;
  /** Matched rows and their mean cosine similarity. */
  rows: number;
  similarity: number;
}

/**
 * Runs of matched rows on one gold step. A run that goes back from the last part of its step
 * (past 60 % of the step's rows) to its first part (before 40 %) starts a new visit: the step
 * was done again, back to back.
 */
export function stepVisits(assigned: Int32Array, cost: Float32Array, m: number, steps: GoldStep[]): Visit[] {
  const n = steps.length ? steps[steps.length - 1].end_clip : 0;
  const stepOf = new Int32Array(n);
  steps.forEach((s, k) => stepOf.fill(k, s.start_clip, s.end_clip));
  const visits: Visit[] = [];
  let v: Visit | null = null;
  let last = -1;
  for (let j = 0; j < m; j++) {
    const i = assigned[j];
    if (i < 0) continue;
    const k = stepOf[i];
    const s = steps[k];
    const len = s.end_clip - s.start_clip;
    const restart = v !== null && v.step === k && i < last && last - s.start_clip >= 0.6 * len && i - s.start_clip < 0.4 * len;
    if (!v || v.step !== k || restart) {
      v = { step: k, start: j, end: j, rows: 0, similarity: 0 };
      visits.push(v);
    }
    v.end = j;
    v.rows++;
    v.similarity += 1 - cost[i * m + j];
    last = i;
  }
  for (const x of visits) x.similarity /= x.rows;
  return visits;
}

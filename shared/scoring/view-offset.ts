/**
 * View compensation: a camera that moved a little (zoom, pan, tilt, other lighting) shifts every
 * trainee clip vector by roughly the same offset, so every step looks a little "done
 * differently". Like cepstral mean normalisation for a microphone, the offset is estimated and
 * removed — but from *matched* content, not from the whole video, so a left-out or longer step
 * does not bias it:
 *   for each gold clip on the global DTW path, the mean of the trainee clips aligned to it, minus
 *   the gold clip; averaged over the best-matching `keepFraction` of gold clips (a step that is
 *   missing or done differently matches badly and is left out of the estimate).
 * The engine applies it only to a trainee that already shows the same procedure (median step
 * quality >= medianFloor) and keeps it only if the median step quality improves; an unrelated
 * video is never moved towards the gold. What a whole video does differently in every step is,
 * by construction, indistinguishable from a view change and is treated as one.
 */
import type { DtwResult, DtwVariant, Matrix } from '../alignment/types.js';
import type { ScoringBackend } from './backend.js';

export interface ViewOffset {
  /** Offset to subtract from the (centred, unit) trainee rows. */
  offset: Float64Array;
  /** Its Euclidean norm (0 = nothing to correct). */
  norm: number;
  /** Gold clips the estimate used. */
  clipsUsed: number;
}

/** sum_j w[j] * row_j of a plain matrix (rows with weight 0 skipped; four rows per pass over out). */
export function weightedRowSum(x: Matrix, w: ArrayLike<number>): Float64Array {
  const d = x.dim;
  const data = x.data;
  const out = new Float64Array(d);
  const rows: number[] = [];
  for (let j = 0; j < x.rows; j++) if (w[j] !== 0) rows.push(j);
  let r = 0;
  for (; r + 3 < rows.length; r += 4) {
    const [a, b, c, e] = [rows[r], rows[r + 1], rows[r + 2], rows[r + 3]];
    const wa = w[a], wb = w[b], wc = w[c], we = w[e];
    const oa = a * d, ob = b * d, oc = c * d, oe = e * d;
    for (let k = 0; k < d; k++) out[k] += wa * data[oa + k] + wb * data[ob + k] + wc * data[oc + k] + we * data[oe + k];
  }
  for (; r < rows.length; r++) {
    const j = rows[r];
    const wj = w[j];
    const o = j * d;
    for (let k = 0; k < d; k++) out[k] += wj * data[o + k];
  }
  return out;
}

/**
 * Estimates the trainee's view offset from a path over cost = 1 - cosine (gold rows x m trainee
 * columns, row-major), both unit rows in the same (centred) space: one weighted sum over the
 * trainee rows (each path cell of a kept gold clip i weighs 1 / (cells of i * kept)), given as
 * rowSum(w) so the rows need not exist as a matrix (ShiftedRows).
 */
export function estimateViewOffset(
  gold: Matrix,
  rowSum: (w: Float64Array) => Float64Array,
  m: number,
  cost: Float32Array,
  path: Array<[number, number]>,
  keepFraction: number,
): ViewOffset {
  const { rows: n, dim: d } = gold;
  const cnt = new Float64Array(n);
  const sim = new Float64Array(n);
  for (const [i, j] of path) {
    cnt[i]++;
    sim[i] += 1 - cost[i * m + j];
  }
  const onPath: number[] = [];
  for (let i = 0; i < n; i++) if (cnt[i] > 0) onPath.push(i);
  if (!onPath.length) return { offset: new Float64Array(d), norm: 0, clipsUsed: 0 };
  onPath.sort((a, b) => sim[b] / cnt[b] - sim[a] / cnt[a]);
  const kept = onPath.slice(0, Math.max(1, Math.round(onPath.length * keepFraction)));
  const keep = new Uint8Array(n);
  for (const i of kept) keep[i] = 1;
  const w = new Float64Array(m);
  for (const [i, j] of path) if (keep[i]) w[j] += 1 / (cnt[i] * kept.length);
  const offset = rowSum(w);
  if (offset.length !== d) throw new RangeError(`view offset: dimensions differ (${d} vs ${offset.length})`);
  const wg = new Float64Array(n);
  for (const i of kept) wg[i] = 1 / kept.length;
  const goldMean = weightedRowSum(gold, wg);
  for (let k = 0; k < d; k++) offset[k] -= goldMean[k];
  let s = 0;
  for (let k = 0; k < d; k++) s += offset[k] * offset[k];
  return { offset, norm: Math.sqrt(s), clipsUsed: kept.length };
}

/**
 * Trainee rows after view shifts, kept as the original rows plus per-row coefficients instead of
 * a new m x d matrix per round (the score job stays allocation-light):
 *   row_j = f_j * (t_j - sum_r c_rj * o_r)
 * shift(o) makes every row normalise(row_j - o); a row that becomes (or is) zero stays zero
 * (cosine 0 with everything).
 */
export class ShiftedRows {
  readonly offsets: Float64Array[] = [];
  private readonly coef: Float64Array[] = [];
  private readonly f: Float64Array;

  /** base: unit or zero rows; sqNorm[j]: |t_j|^2 (1 or 0). */
  constructor(
    readonly base: Matrix,
    readonly sqNorm: Float64Array,
  ) {
    this.f = Float64Array.from(sqNorm, (q) => (q > 0 ? 1 : 0));
  }

  get rows(): number {
    return this.base.rows;
  }

  /** sum_j w_j row_j. */
  weightedSum(w: Float64Array): Float64Array {
    const wf = Float64Array.from(w, (x, j) => x * this.f[j]);
    const out = weightedRowSum(this.base, wf);
    this.offsets.forEach((o, r) => {
      let a = 0;
      const c = this.coef[r];
      for (let j = 0; j < wf.length; j++) a += wf[j] * c[j];
      for (let k = 0; k < out.length; k++) out[k] -= a * o[k];
    });
    return out;
  }

  /** row_j . v for every row, given baseDotV[j] = t_j . v. */
  dots(baseDotV: ArrayLike<number>, v: Float64Array): Float64Array {
    const ov = this.offsets.map((o) => {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += o[k] * v[k];
      return s;
    });
    return Float64Array.from({ length: this.rows }, (_, j) => {
      let s = baseDotV[j];
      for (let r = 0; r < ov.length; r++) s -= this.coef[r][j] * ov[r];
      return this.f[j] * s;
    });
  }

  /** rows <- normalise(rows - o); rowDotO = dots(t . o, o). Updates sqNorm. */
  shift(o: Float64Array, rowDotO: Float64Array): void {
    let oo = 0;
    for (let k = 0; k < o.length; k++) oo += o[k] * o[k];
    const c = new Float64Array(this.rows);
    for (let j = 0; j < this.rows; j++) {
      if (this.f[j] === 0) continue;
      const s2 = this.sqNorm[j] - 2 * rowDotO[j] + oo;
      c[j] = 1 / this.f[j];
      if (s2 > 1e-20) {
        this.f[j] /= Math.sqrt(s2);
        this.sqNorm[j] = 1;
      } else {
        this.f[j] = 0;
        this.sqNorm[j] = 0;
      }
    }
    this.offsets.push(o);
    this.coef.push(c);
  }

  /** One row, materialised (for the few rows idle detection looks at). */
  row(j: number): Float32Array {
    const d = this.base.dim;
    const out = new Float32Array(d);
    if (this.f[j] === 0) return out;
    for (let k = 0; k < d; k++) {
      let v = this.base.data[j * d + k];
      for (let r = 0; r < this.offsets.length; r++) v -= this.coef[r][j] * this.offsets[r][k];
      out[k] = this.f[j] * v;
    }
    return out;
  }
}

/**
 * The cost matrix of gold against the rows after one more shift by offset, derived from the cost
 * matrix before it (cost = 1 - dot) without another n x m x d product:
 *   cos(g_i, r_j - o) = (g_i.r_j - g_i.o) / |r_j - o|,  |r_j - o|^2 = |r_j|^2 - 2 r_j.o + o.o
 * goldDotOffset / rowDotOffset: g_i.o and r_j.o; rowSqNorm: |r_j|^2 (1 or 0, before the shift).
 * A zero row stays zero: cosine 0, cost 1 (ShiftedRows semantics).
 */
export function shiftedCost(
  cost: Float32Array,
  goldDotOffset: ArrayLike<number>,
  rowDotOffset: ArrayLike<number>,
  rowSqNorm: ArrayLike<number>,
  offset: Float64Array,
): Float32Array {
  const n = goldDotOffset.length;
  const m = rowDotOffset.length;
  let oo = 0;
  for (let k = 0; k < offset.length; k++) oo += offset[k] * offset[k];
  const inv = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    if (rowSqNorm[j] === 0) continue;
    const s2 = rowSqNorm[j] - 2 * rowDotOffset[j] + oo;
    inv[j] = s2 > 1e-20 ? 1 / Math.sqrt(s2) : 0;
  }
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const r = i * m;
    const g = goldDotOffset[i];
    for (let j = 0; j < m; j++) out[r + j] = inv[j] === 0 ? 1 : 1 - (1 - cost[r + j] - g) * inv[j];
  }
  return out;
}

/**
 * Squared norm of each trainee row, which is 1 or 0 after centring (centerRows): 0 exactly when
 * the row is zero, and then its cosine with every gold clip is 0 (cost exactly 1 in every row).
 */
export function unitOrZero(cost: Float32Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let zero = true;
    for (let i = 0; i < n && zero; i++) zero = cost[i * m + j] === 1;
    out[j] = zero ? 0 : 1;
  }
  return out;
}

export interface ViewCompensation {
  /** The shifted rows; null when no round ran (offset below minOffset from the start). */
  rows: ShiftedRows | null;
  cost: Float32Array;
  global: DtwResult | null;
  /** Sum of the rounds' offset norms. */
  offsetNorm: number;
}

/**
 * Rounds of: estimate the offset along the current global path, shift the trainee rows, update
 * the cost matrix (shiftedCost, two matrix-vector products on the backend) and re-align. The
 * caller decides whether to keep the result (it should raise the steps' match quality).
 */
export function compensateView(
  input: { gold: Matrix; trainee: Matrix; cost: Float32Array; path: Array<[number, number]> },
  backend: ScoringBackend,
  o: { iterations: number; keepFraction: number; minOffset: number; variant: DtwVariant; band?: number },
): ViewCompensation {
  const { gold, trainee } = input;
  const n = gold.rows;
  const m = trainee.rows;
  const rows = new ShiftedRows(trainee, unitOrZero(input.cost, n, m));
  // x . v for every row of x, on the fast backend (its cost kernel is 1 - dot).
  const dotsWith = (x: Matrix, v: Float64Array) =>
    Float64Array.from(backend.costMatrix(x, { rows: 1, dim: v.length, data: Float32Array.from(v) }), (y) => 1 - y);
  let cost = input.cost;
  let path = input.path;
  let global: DtwResult | null = null;
  let offsetNorm = 0;
  for (let it = 0; it < o.iterations; it++) {
    const off = estimateViewOffset(gold, (w) => rows.weightedSum(w), m, cost, path, o.keepFraction);
    if (off.norm < o.minOffset) break;
    offsetNorm += off.norm;
    const rowDot = rows.dots(dotsWith(trainee, off.offset), off.offset);
    cost = shiftedCost(cost, dotsWith(gold, off.offset), rowDot, rows.sqNorm, off.offset);
    rows.shift(off.offset, rowDot);
    global = backend.dtwFromCost(cost, n, m, { variant: o.variant, band: o.band });
    path = global.path;
  }
  return { rows: rows.offsets.length ? rows : null, cost, global, offsetNorm };
}

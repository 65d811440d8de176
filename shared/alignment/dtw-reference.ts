/**
 * Pure TypeScript DTW: the reference every other backend (native SIMD, CUDA) must reproduce.
 *
 * Conventions shared by all backends (see docs/dtw.md):
 * - Local cost is cosine distance 1 - dot(a_i, b_j). Inputs are expected L2-normalised; nothing
 *   here renormalises (that belongs to the embedder, and would cost a pass in the hot path).
 * - Step pattern: symmetric, unweighted: D[i][j] = C[i][j] + min(D[i-1][j-1], D[i-1][j], D[i][j-1]).
 * - Ties: diagonal wins, then vertical (i-1,j), then horizontal (i,j-1). Implemented as
 *   best = diag; if (up < best) best = up; if (left < best) best = left — strict comparisons,
 *   so the earlier candidate keeps a tie. Backends use the same comparisons in the same order.
 * - Accumulation is float32 (every D cell is rounded to float32, exactly like the native code),
 *   so the DP on the same cost matrix gives bit-identical costs and paths on every backend.
 * - Direction codes are one byte per cell in the band (O(n*m), O(n*band) when banded); no second
 *   float matrix is kept, only two rolling rows.
 */
import type { DtwOptions, DtwResult, DtwVariant, Matrix } from './types.js';

export const DIR_DIAG = 0;
export const DIR_UP = 1;
export const DIR_LEFT = 2;
export const DIR_START = 3;

const VARIANTS: readonly DtwVariant[] = ['full', 'subsequence', 'open_end', 'open_begin_end'];

/** Throws a clear error when the two sequences cannot be aligned. */
export function checkInputs(a: Matrix, b: Matrix): void {
  checkMatrix(a, 'query (a)');
  checkMatrix(b, 'reference (b)');
  if (a.dim !== b.dim) {
    throw new RangeError(`DTW: dimension mismatch: query has dim ${a.dim}, reference has dim ${b.dim}`);
  }
}

function checkMatrix(x: Matrix, name: string): void {
  if (!Number.isInteger(x.rows) || x.rows <= 0) throw new RangeError(`DTW: ${name} is empty (rows=${x.rows})`);
  if (!Number.isInteger(x.dim) || x.dim <= 0) throw new RangeError(`DTW: ${name} has dim ${x.dim}`);
  if (!(x.data instanceof Float32Array)) throw new TypeError(`DTW: ${name}.data must be a Float32Array`);
  if (x.data.length < x.rows * x.dim) {
    throw new RangeError(`DTW: ${name}.data has ${x.data.length} values, needs rows*dim = ${x.rows * x.dim}`);
  }
}

/** Validates options and returns the variant. */
export function checkOptions(opts: DtwOptions | undefined): DtwVariant {
  const variant = opts?.variant ?? 'full';
  if (!VARIANTS.includes(variant)) throw new RangeError(`DTW: unknown variant '${String(variant)}'`);
  const band = opts?.band;
  if (band !== undefined && !(Number.isInteger(band) && band >= 0)) {
    throw new RangeError(`DTW: band must be a non-negative integer, got ${band}`);
  }
  return variant;
}

/** Cosine distance matrix, n*m row-major: C[i*m + j] = 1 - dot(a_i, b_j). */
export function cosineCostMatrix(a: Matrix, b: Matrix): Float32Array {
  checkInputs(a, b);
  const n = a.rows;
  const m = b.rows;
  const d = a.dim;
  const A = a.data;
  const B = b.data;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const ai = i * d;
    for (let j = 0; j < m; j++) {
      const bj = j * d;
      let s0 = 0;
      let s1 = 0;
      let k = 0;
      for (; k + 1 < d; k += 2) {
        s0 += A[ai + k] * B[bj + k];
        s1 += A[ai + k + 1] * B[bj + k + 1];
      }
      if (k < d) s0 += A[ai + k] * B[bj + k];
      out[i * m + j] = 1 - (s0 + s1);
    }
  }
  return out;
}

/**
 * Sakoe-Chiba band as inclusive column limits per row, around the scaled diagonal
 * c(i) = i*(m-1)/(n-1). The half-width is widened to max(band, 1, ceil((m-1)/(2(n-1)))) so that
 * consecutive rows always touch and (0,0) -> (n-1,m-1) stays reachable for any n, m.
 * Integer arithmetic only, so every backend gets exactly the same limits.
 * band undefined (or n == 1) means every cell is allowed.
 */
export function bandLimits(n: number, m: number, band?: number): { lo: Int32Array; hi: Int32Array; width: number } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n).fill(m - 1);
  if (band === undefined || n === 1) return { lo, hi, width: m };
  const den = n - 1;
  const w = effectiveBand(n, m, band);
  let width = 0;
  for (let i = 0; i < n; i++) {
    const x = i * (m - 1);
    lo[i] = Math.max(0, Math.ceil((x - w * den) / den));
    hi[i] = Math.min(m - 1, Math.floor((x + w * den) / den));
    width = Math.max(width, hi[i] - lo[i] + 1);
  }
  return { lo, hi, width };
}

/** The half-width actually used for a requested band (see bandLimits). */
export function effectiveBand(n: number, m: number, band: number): number {
  if (n === 1) return m;
  const den = n - 1;
  return Math.max(band, 1, Math.ceil((m - 1) / (2 * den)));
}

/**
 * DTW on a precomputed cost matrix (n*m row-major, float32 values).
 * End selection: full ends at (n-1,m-1); subsequence at the cheapest cell of the last row
 * (raw accumulated cost, lowest column wins a tie); open_end and open_begin_end at the cell of
 * the last row or last column with the lowest cost per path step (D / path length, compared in
 * float64; scan order: last row by column, then last column by row; the first minimum wins).
 */
export function dtwFromCost(cost: Float32Array, n: number, m: number, opts?: DtwOptions): DtwResult {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n <= 0 || m <= 0) {
    throw new RangeError(`DTW: empty or invalid cost matrix shape ${n}x${m}`);
  }
  if (cost.length < n * m) throw new RangeError(`DTW: cost has ${cost.length} values, needs ${n * m}`);
  const variant = checkOptions(opts);
  const freeRow0 = variant === 'subsequence' || variant === 'open_begin_end';
  const freeCol0 = variant === 'open_begin_end';
  const openEnd = variant === 'open_end' || variant === 'open_begin_end';
  const { lo, hi } = bandLimits(n, m, opts?.band);

  // Direction codes, row i occupies dirs[rowOff[i] .. rowOff[i] + hi[i]-lo[i]].
  const rowOff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowOff[i + 1] = rowOff[i] + (hi[i] - lo[i] + 1);
  const dirs = new Uint8Array(rowOff[n]);

  // Rolling rows, shifted by one so index 0 is the virtual column -1 (always +inf).
  let prev = new Float32Array(m + 1).fill(Infinity);
  let cur = new Float32Array(m + 1).fill(Infinity);
  let prevL = new Int32Array(m + 1);
  let curL = new Int32Array(m + 1);
  const lastColD = new Float32Array(n).fill(Infinity);
  const lastColL = new Int32Array(n);

  // Row 0.
  for (let j = lo[0]; j <= hi[0]; j++) {
    const c = cost[j];
    const o = rowOff[0] + (j - lo[0]);
    if (freeRow0 || j === 0) {
      cur[j + 1] = c;
      curL[j + 1] = 1;
      dirs[o] = DIR_START;
    } else {
      cur[j + 1] = c + cur[j];
      curL[j + 1] = curL[j] + 1;
      dirs[o] = DIR_LEFT;
    }
  }
  if (hi[0] === m - 1) {
    lastColD[0] = cur[m];
    lastColL[0] = curL[m];
  }

  for (let i = 1; i < n; i++) {
    [prev, cur] = [cur, prev];
    [prevL, curL] = [curL, prevL];
    // cur still holds row i-2: clear it so out-of-band cells read as +inf.
    if (i >= 2) cur.fill(Infinity, lo[i - 2] + 1, hi[i - 2] + 2);
    const base = i * m;
    const l = lo[i];
    const h = hi[i];
    for (let j = l; j <= h; j++) {
      const c = cost[base + j];
      const o = rowOff[i] + (j - l);
      if (freeCol0 && j === 0) {
        cur[1] = c;
        curL[1] = 1;
        dirs[o] = DIR_START;
        continue;
      }
      let best = prev[j]; // diag (i-1, j-1)
      let d = DIR_DIAG;
      const up = prev[j + 1];
      if (up < best) {
        best = up;
        d = DIR_UP;
      }
      const left = cur[j];
      if (left < best) {
        best = left;
        d = DIR_LEFT;
      }
      cur[j + 1] = c + best; // Float32Array store rounds like a float32 add
      curL[j + 1] = (d === DIR_DIAG ? prevL[j] : d === DIR_UP ? prevL[j + 1] : curL[j]) + 1;
      dirs[o] = d;
    }
    if (h === m - 1) {
      lastColD[i] = cur[m];
      lastColL[i] = curL[m];
    }
  }

  // End cell. cur holds row n-1.
  let ei = n - 1;
  let ej = m - 1;
  if (variant === 'subsequence') {
    let best = Infinity;
    for (let j = lo[n - 1]; j <= hi[n - 1]; j++) {
      if (cur[j + 1] < best) {
        best = cur[j + 1];
        ej = j;
      }
    }
  } else if (openEnd) {
    let best = Infinity;
    for (let j = lo[n - 1]; j <= hi[n - 1]; j++) {
      const s = cur[j + 1] / curL[j + 1];
      if (s < best) {
        best = s;
        ej = j;
      }
    }
    for (let i = 0; i < n - 1; i++) {
      const s = lastColD[i] / lastColL[i];
      if (s < best) {
        best = s;
        ei = i;
        ej = m - 1;
      }
    }
  }
  const total = ei === n - 1 ? cur[ej + 1] : lastColD[ei];
  if (!Number.isFinite(total)) throw new Error('DTW: no finite path (non-finite costs in the input?)');

  const path = backtrack(dirs, rowOff, lo, ei, ej, variant);
  return { cost: total, normalizedCost: total / path.length, path, backend: 'ts' };
}

function backtrack(
  dirs: Uint8Array,
  rowOff: Int32Array,
  lo: Int32Array,
  ei: number,
  ej: number,
  variant: DtwVariant,
): Array<[number, number]> {
  const path: Array<[number, number]> = [];
  let i = ei;
  let j = ej;
  for (;;) {
    path.push([i, j]);
    if (i === 0 && j === 0) break;
    if (i === 0 && (variant === 'subsequence' || variant === 'open_begin_end')) break;
    if (j === 0 && variant === 'open_begin_end') break;
    const d = dirs[rowOff[i] + (j - lo[i])];
    if (d === DIR_DIAG) {
      i--;
      j--;
    } else if (d === DIR_UP) i--;
    else if (d === DIR_LEFT) j--;
    else break; // DIR_START
  }
  path.reverse();
  return path;
}

/** Cost matrix + DTW in TypeScript. */
export function dtwReference(a: Matrix, b: Matrix, opts?: DtwOptions): DtwResult {
  checkOptions(opts);
  const cost = cosineCostMatrix(a, b);
  return dtwFromCost(cost, a.rows, b.rows, opts);
}

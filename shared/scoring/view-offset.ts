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
import type { Matrix } from '../alignment/types.js';

export interface ViewOffset {
  /** Offset to subtract from the (centred, unit) trainee rows. */
  offset: Float64Array;
  /** Its Euclidean norm (0 = nothing to correct). */
  norm: number;
  /** Gold clips the estimate used. */
  clipsUsed: number;
}

/**
 * Estimates the trainee's view offset from a path over cost = 1 - cosine (gold rows x trainee
 * columns, row-major n x m), both matrices unit rows in the same (centred) space. One weighted
 * sum over the trainee rows (each path cell of a kept gold clip i weighs 1 / (cells of i * kept)).
 */
export function estimateViewOffset(
  gold: Matrix,
  trainee: Matrix,
  cost: Float32Array,
  path: Array<[number, number]>,
  keepFraction: number,
): ViewOffset {
  const { rows: n, dim: d } = gold;
  const m = trainee.rows;
  if (trainee.dim !== d) throw new RangeError(`view offset: dimensions differ (${d} vs ${trainee.dim})`);
  const cnt = new Float64Array(n);
  const sim = new Float64Array(n);
  for (const [i, j] of path) {
    cnt[i]++;
    sim[i] += 1 - cost[i * m + j];
  }
  const onPath: number[] = [];
  for (let i = 0; i < n; i++) if (cnt[i] > 0) onPath.push(i);
  const offset = new Float64Array(d);
  if (!onPath.length) return { offset, norm: 0, clipsUsed: 0 };
  onPath.sort((a, b) => sim[b] / cnt[b] - sim[a] / cnt[a]);
  const kept = onPath.slice(0, Math.max(1, Math.round(onPath.length * keepFraction)));
  const keep = new Uint8Array(n);
  for (const i of kept) keep[i] = 1;
  const w = new Float64Array(m);
  for (const [i, j] of path) if (keep[i]) w[j] += 1 / (cnt[i] * kept.length);
  for (let j = 0; j < m; j++) {
    if (w[j] === 0) continue;
    const t = j * d;
    for (let k = 0; k < d; k++) offset[k] += w[j] * trainee.data[t + k];
  }
  const wg = 1 / kept.length;
  for (const i of kept) {
    const g = i * d;
    for (let k = 0; k < d; k++) offset[k] -= wg * gold.data[g + k];
  }
  let s = 0;
  for (let k = 0; k < d; k++) s += offset[k] * offset[k];
  return { offset, norm: Math.sqrt(s), clipsUsed: kept.length };
}

/**
 * Rows minus offset, re-normalised (a row equal to the offset becomes zero), and each new row's
 * squared norm (1, or 0 for a zero row) for shiftedCost.
 */
export function shiftRows(x: Matrix, offset: Float64Array): { rows: Matrix; sqNorm: Float64Array } {
  const { rows: n, dim: d, data } = x;
  const out = new Float32Array(n * d);
  const sqNorm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const v = data[o + k] - offset[k];
      out[o + k] = v;
      s += v * v;
    }
    if (s > 1e-20) {
      const f = 1 / Math.sqrt(s);
      for (let k = 0; k < d; k++) out[o + k] *= f;
      sqNorm[i] = 1;
    }
  }
  return { rows: { rows: n, dim: d, data: out }, sqNorm };
}

/**
 * The cost matrix of gold against shiftRows(trainee, offset), derived from the cost matrix of
 * gold against trainee (cost = 1 - dot) without another n x m x d product:
 *   cos(g_i, t_j - o) = (g_i.t_j - g_i.o) / |t_j - o|,  |t_j - o|^2 = |t_j|^2 - 2 t_j.o + o.o
 * goldDotOffset / traineeDotOffset: g_i.o and t_j.o (two matrix-vector products the caller runs
 * on the fast backend); traineeSqNorm: |t_j|^2. A zero result row gets cosine 0 (cost 1), as
 * shiftRows leaves it.
 */
export function shiftedCost(
  cost: Float32Array,
  goldDotOffset: ArrayLike<number>,
  traineeDotOffset: ArrayLike<number>,
  traineeSqNorm: ArrayLike<number>,
  offset: Float64Array,
): Float32Array {
  const n = goldDotOffset.length;
  const m = traineeDotOffset.length;
  let oo = 0;
  for (let k = 0; k < offset.length; k++) oo += offset[k] * offset[k];
  const inv = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const s2 = traineeSqNorm[j] - 2 * traineeDotOffset[j] + oo;
    inv[j] = s2 > 1e-20 ? 1 / Math.sqrt(s2) : 0;
  }
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const r = i * m;
    const g = goldDotOffset[i];
    for (let j = 0; j < m; j++) out[r + j] = 1 - (1 - cost[r + j] - g) * inv[j];
  }
  return out;
}

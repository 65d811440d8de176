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
 * columns, row-major n x m), both matrices unit rows in the same (centred) space.
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
  onPath.sort((a, b) => sim[b] / cnt[b] - sim[a] / cnt[a]);
  const kept = onPath.slice(0, Math.max(1, Math.round(onPath.length * keepFraction)));
  const keep = new Uint8Array(n);
  for (const i of kept) keep[i] = 1;
  const offset = new Float64Array(d);
  if (!onPath.length) return { offset, norm: 0, clipsUsed: 0 };
  const w = 1 / kept.length;
  for (const [i, j] of path) {
    if (!keep[i]) continue;
    const f = w / cnt[i];
    const t = j * d;
    for (let k = 0; k < d; k++) offset[k] += f * trainee.data[t + k];
  }
  for (const i of kept) {
    const g = i * d;
    for (let k = 0; k < d; k++) offset[k] -= w * gold.data[g + k];
  }
  let s = 0;
  for (let k = 0; k < d; k++) s += offset[k] * offset[k];
  return { offset, norm: Math.sqrt(s), clipsUsed: kept.length };
}

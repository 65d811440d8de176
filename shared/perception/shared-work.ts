// Where both videos show work: the work grid compared only on the cells where the gold and the
// trainee both have activity. A station's procedure happens in the same places every time; a cell
// where only one of the two videos ever changes (a bystander walking behind the gold, its
// reflection in a glass wall, the machine parked elsewhere) holds nothing the other can match, yet
// under a cosine it weighs as much as the work and makes the steps it overlaps unmatchable. Pure.
import type { Matrix } from '../alignment/types.js';

/**
 * A cell is unshared when one video's share of the grid activity there is more than
 * 1 / UNSHARED_RATIO times the other's (shares: each video's mean activity over its rows,
 * normalised to sum 1 over the cells, so exposure and the number of rows do not matter).
 * 0.25 ("four times"): the best of 0.15 / 0.25 / 0.35 on the development tasks (docs/scoring.md,
 * "Shared work region").
 */
export const UNSHARED_RATIO = 0.25;

/**
 * The grid's layout at the end of a vector: `tail` entries, in blocks of `cellCount` cells; the
 * first `activityBlocks` blocks are non-negative activity means (change, motion), the rest trends.
 */
export interface GridLayout {
  tail: number;
  cellCount: number;
  activityBlocks: number;
}

/** Per-cell activity share of a vector (a row mean), summed over the activity blocks. */
export function activityShares(mean: ArrayLike<number>, dim: number, g: GridLayout): Float64Array {
  const head = dim - g.tail;
  const a = new Float64Array(g.cellCount);
  for (let b = 0; b < g.activityBlocks; b++) {
    for (let k = 0; k < g.cellCount; k++) a[k] += Math.max(0, mean[head + b * g.cellCount + k]);
  }
  let s = 0;
  for (const v of a) s += v;
  if (s > 0) for (let k = 0; k < a.length; k++) a[k] /= s;
  return a;
}

/** The cells where one video's activity share is more than 1/ratio times the other's. */
export function unsharedCells(gold: Float64Array, trainee: Float64Array, ratio = UNSHARED_RATIO): number[] {
  if (gold.length !== trainee.length) throw new RangeError(`shared work: ${gold.length} vs ${trainee.length} cells`);
  const out: number[] = [];
  for (let k = 0; k < gold.length; k++) {
    const hi = Math.max(gold[k], trainee[k]);
    if (hi > 0 && Math.min(gold[k], trainee[k]) < ratio * hi) out.push(k);
  }
  return out;
}

/**
 * Zeroes, in place, the given cells of every grid block in each row, then L2-normalises each row
 * again (a projection: applied to both videos' centred rows, the cosine reads only the rest).
 */
export function zeroGridCells(m: Matrix, g: GridLayout, cells: number[]): Matrix {
  if (g.tail > m.dim || g.tail % g.cellCount !== 0) throw new Error(`grid mask: tail ${g.tail} is not whole blocks of ${g.cellCount} cells`);
  if (!cells.length) return m;
  const head = m.dim - g.tail;
  const blocks = g.tail / g.cellCount;
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.dim;
    for (let b = 0; b < blocks; b++) for (const k of cells) m.data[o + head + b * g.cellCount + k] = 0;
    let s = 0;
    for (let x = 0; x < m.dim; x++) s += m.data[o + x] * m.data[o + x];
    if (s > 1e-20) {
      const f = 1 / Math.sqrt(s);
      for (let x = 0; x < m.dim; x++) m.data[o + x] *= f;
    }
  }
  return m;
}

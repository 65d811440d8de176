// Puts a trainee's grid features into the gold's coordinates: each gold cell takes the bilinear
// mix of the trainee cells that show the same scene point under the registered similarity. Linear
// in the features, so it applies to pooled clip vectors block by block. Pure.
import type { Matrix } from '../alignment/types.js';
import { applySimilarity, type Similarity } from './registration.js';
import type { GridSpec } from './work-features.js';

interface Tap {
  cell: number;
  weight: number;
}

/**
 * For each gold cell, the trainee cells and weights it samples (none when it falls outside).
 * goldToTrainee maps gold picture pixels to trainee picture pixels (each grid's own rect).
 */
export function gridTaps(g: GridSpec, t: GridSpec, goldToTrainee: Similarity): Tap[][] {
  const { cols, rows } = g;
  if (t.cols !== cols || t.rows !== rows) throw new Error('grid warp: the two grids differ');
  const sx = g.rect.width / cols;
  const sy = g.rect.height / rows;
  const tx = t.rect.width / cols;
  const ty = t.rect.height / rows;
  const taps: Tap[][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [u, v] = applySimilarity(goldToTrainee, (c + 0.5) * sx, (r + 0.5) * sy);
      const fx = u / tx - 0.5;
      const fy = v / ty - 0.5;
      const list: Tap[] = [];
      if (fx > -1 && fy > -1 && fx < cols && fy < rows) {
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const ax = fx - x0;
        const ay = fy - y0;
        for (const [dx, dy, w] of [[0, 0, (1 - ax) * (1 - ay)], [1, 0, ax * (1 - ay)], [0, 1, (1 - ax) * ay], [1, 1, ax * ay]] as const) {
          const x = x0 + dx;
          const y = y0 + dy;
          if (x >= 0 && y >= 0 && x < cols && y < rows && w > 1e-6) list.push({ cell: y * cols + x, weight: w });
        }
        const sum = list.reduce((a, t) => a + t.weight, 0);
        for (const t of list) t.weight /= sum || 1;
      }
      taps.push(list);
    }
  }
  return taps;
}

/**
 * A new matrix: every row's `cols*rows`-long blocks resampled into gold cells, then the row
 * L2-normalised again (cosine is what scoring reads).
 */
export function warpGridRows(m: Matrix, g: GridSpec, t: GridSpec, goldToTrainee: Similarity): Matrix {
  const cells = g.cols * g.rows;
  if (m.dim % cells !== 0) throw new Error(`grid warp: vector length ${m.dim} is not a multiple of ${cells} cells`);
  const blocks = m.dim / cells;
  const taps = gridTaps(g, t, goldToTrainee);
  const out = new Float32Array(m.rows * m.dim);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.dim;
    let norm = 0;
    for (let b = 0; b < blocks; b++) {
      const o = base + b * cells;
      for (let k = 0; k < cells; k++) {
        let s = 0;
        for (const t of taps[k]) s += t.weight * m.data[o + t.cell];
        out[o + k] = s;
        norm += s * s;
      }
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < m.dim; k++) out[base + k] *= inv;
    }
  }
  return { rows: m.rows, dim: m.dim, data: out };
}

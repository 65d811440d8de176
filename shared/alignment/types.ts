/** A sequence of row vectors (one per clip), row-major: row i is data[i*dim .. (i+1)*dim). */
export interface Matrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

export type DtwBackend = 'ts' | 'native' | 'cuda';

/**
 * full: path from (0,0) to (n-1,m-1).
 * subsequence: the query (first sequence) is matched whole, inside any contiguous part of the
 *   reference (second sequence): free start and end on the reference axis.
 * open_end: starts at (0,0), may end at the last row or the last column (either side stopped early).
 * open_begin_end: may start on the first row or first column and end on the last row or last column.
 */
export type DtwVariant = 'full' | 'subsequence' | 'open_end' | 'open_begin_end';

export interface DtwOptions {
  variant?: DtwVariant;
  /** Sakoe-Chiba band half-width in cells, measured around the scaled diagonal; undefined = no band. */
  band?: number;
}

export interface DtwResult {
  /** Sum of local costs along the path. */
  cost: number;
  /** cost divided by path length. */
  normalizedCost: number;
  /** [queryIndex, referenceIndex] pairs, monotone, first to last. */
  path: Array<[number, number]>;
  backend: DtwBackend;
}

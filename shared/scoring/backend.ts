/** The DTW primitives the scoring engine needs, injectable so callers can pass the native ones. */
import type { DtwOptions, DtwResult, Matrix } from '../alignment/types.js';
import { cosineCostMatrix, dtwFromCost } from '../alignment/dtw-reference.js';

export type DtwFn = (a: Matrix, b: Matrix, opts?: DtwOptions) => DtwResult;
export type DtwFromCostFn = (cost: Float32Array, n: number, m: number, opts?: DtwOptions) => DtwResult;
export type CostMatrixFn = (a: Matrix, b: Matrix) => Float32Array;

/**
 * Cost-matrix level so that one gold x trainee cosine matrix serves the global alignment and
 * every per-step subsequence alignment (row slices of it): O(n*m) work in total, not O(K*n*m).
 */
export interface ScoringBackend {
  /** C[i*m + j] = 1 - dot(a_i, b_j). */
  costMatrix: CostMatrixFn;
  dtwFromCost: DtwFromCostFn;
}

export const REFERENCE_BACKEND: ScoringBackend = { costMatrix: cosineCostMatrix, dtwFromCost };

/** The cost-matrix primitive the scoring engine needs, injectable so callers can pass the native one. */
import type { Matrix } from '../alignment/types.js';
import { cosineCostMatrix } from '../alignment/dtw-reference.js';

export interface ScoringBackend {
  /** C[i*m + j] = 1 - dot(a_i, b_j). */
  costMatrix: (a: Matrix, b: Matrix) => Float32Array;
}

export const REFERENCE_BACKEND: ScoringBackend = { costMatrix: cosineCostMatrix };

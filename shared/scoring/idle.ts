/**
 * How alike consecutive clips are: a still camera (idle footage before or after the work) gives
 * neighbours that are almost identical, and the gold's own consecutive similarity is its
 * similarity scale (score-visits.ts).
 */
import type { Matrix } from '../alignment/types.js';

/** cos(x_i, x_{i+1}) for the unit rows of a matrix, computed on demand (only the rows asked for). */
export function consecutiveSimilarity(x: Matrix): (i: number) => number {
  const d = x.dim;
  return (i) => {
    let s = 0;
    for (let k = i * d; k < (i + 1) * d; k++) s += x.data[k] * x.data[k + d];
    return s;
  };
}

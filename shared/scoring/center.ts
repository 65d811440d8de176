/**
 * Centring on the gold's mean clip vector before any cosine is taken.
 *
 * Why: real embedding models give every clip of one recording a large shared component (same
 * room, same camera, the model's own bias): MobileNet clip vectors of *different* steps still have
 * cosine ~0.85, of the same step ~0.95, so every quality threshold would live in a sliver of the
 * similarity scale. Removing the gold's mean (the part all steps share) and re-normalising keeps
 * only what tells the steps apart; cosines then spread over [-1, 1]. The same mean is subtracted
 * from the trainee, so content unlike the gold stays unlike it (an unrelated video does not gain
 * similarity). Squared distances between clips are unchanged up to the per-row re-normalisation.
 */
import type { Matrix } from '../alignment/types.js';
import { nativeScoringKernels } from '../alignment/index.js';

/**
 * Mean of the rows (float64). On the native addon when it is loaded (the same sums in the same
 * order: bit-identical), else rowMeanReference.
 */
export function rowMean(x: Matrix): Float64Array {
  const k = nativeScoringKernels();
  if (k && x.data.length >= x.rows * x.dim && x.dim > 0) return k.rowMean(x.data, x.rows, x.dim);
  return rowMeanReference(x);
}

/** The TypeScript rowMean. */
export function rowMeanReference(x: Matrix): Float64Array {
  const { rows: n, dim: d, data } = x;
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mu[k] += data[i * d + k];
  if (n > 0) for (let k = 0; k < d; k++) mu[k] /= n;
  return mu;
}

/**
 * Same as centerRows, but overwrites x (for callers that own a freshly loaded matrix). On the
 * native addon when it is loaded (bit-identical), else centerRowsInPlaceReference.
 */
export function centerRowsInPlace(x: Matrix, mean: Float64Array): Matrix {
  const { rows: n, dim: d } = x;
  if (mean.length !== d) throw new RangeError(`centerRows: mean has ${mean.length} dims, rows have ${d}`);
  const k = nativeScoringKernels();
  if (k && x.data.length >= n * d && d > 0) {
    k.centerRows(x.data, n, d, mean);
    return x;
  }
  return centerRowsInPlaceReference(x, mean);
}

/** The TypeScript centerRowsInPlace. */
export function centerRowsInPlaceReference(x: Matrix, mean: Float64Array): Matrix {
  const { rows: n, dim: d, data } = x;
  if (mean.length !== d) throw new RangeError(`centerRows: mean has ${mean.length} dims, rows have ${d}`);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const v = data[o + k] - mean[k];
      data[o + k] = v;
      s += v * v;
    }
    const f = s > 1e-20 ? 1 / Math.sqrt(s) : 1;
    for (let k = 0; k < d; k++) data[o + k] *= f;
  }
  return x;
}

/** Rows minus `mean`, L2-normalised (a row equal to the mean becomes zero: similarity 0 to all). */
export function centerRows(x: Matrix, mean: Float64Array): Matrix {
  return centerRowsInPlace({ rows: x.rows, dim: x.dim, data: x.data.slice(0, x.rows * x.dim) }, mean);
}

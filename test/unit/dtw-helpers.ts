// Shared test inputs for the DTW tests: seeded random L2-normalised vectors (no ties in practice).
import type { DtwResult, DtwVariant, Matrix } from '../../shared/alignment/types.js';
import { dtwReference } from '../../shared/alignment/dtw-reference.js';

export function randomMatrix(rows: number, dim: number, seed: number): Matrix {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296 - 0.5;
  };
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let q = 0;
    for (let k = 0; k < dim; k++) {
      const v = next();
      data[i * dim + k] = v;
      q += v * v;
    }
    const inv = 1 / Math.sqrt(q);
    for (let k = 0; k < dim; k++) data[i * dim + k] *= inv;
  }
  return { rows, dim, data };
}

/** A path is well formed: starts/ends where the variant allows, unit monotone steps. */
export function checkPathShape(path: Array<[number, number]>, n: number, m: number, variant: string): string | null {
  if (path.length === 0) return 'empty path';
  const [i0, j0] = path[0];
  const [ie, je] = path[path.length - 1];
  const startOk =
    variant === 'full' || variant === 'open_end' ? i0 === 0 && j0 === 0 : variant === 'subsequence' ? i0 === 0 : i0 === 0 || j0 === 0;
  const endOk = variant === 'full' ? ie === n - 1 && je === m - 1 : variant === 'subsequence' ? ie === n - 1 : ie === n - 1 || je === m - 1;
  if (!startOk) return `bad start ${i0},${j0}`;
  if (!endOk) return `bad end ${ie},${je}`;
  for (let k = 1; k < path.length; k++) {
    const di = path[k][0] - path[k - 1][0];
    const dj = path[k][1] - path[k - 1][1];
    if (!((di === 1 && dj === 1) || (di === 1 && dj === 0) || (di === 0 && dj === 1))) return `bad step at ${k}`;
  }
  return null;
}

/** Every (shape, variant, band) case with its inputs and the reference result, for backend checks. */
export function* referenceCases(
  shapes: Array<[number, number, number]>,
  variants: DtwVariant[],
  bands: Array<number | undefined>,
): Generator<{ n: number; m: number; d: number; a: Matrix; b: Matrix; variant: DtwVariant; band: number | undefined; ref: DtwResult }> {
  for (const [n, m, d] of shapes) {
    const a = randomMatrix(n, d, 5 * n + m);
    const b = randomMatrix(m, d, 3 * m + n + 2);
    for (const variant of variants) for (const band of bands) yield { n, m, d, a, b, variant, band, ref: dtwReference(a, b, { variant, band }) };
  }
}

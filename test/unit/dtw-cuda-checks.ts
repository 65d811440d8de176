// The CUDA backend's checks against the TypeScript reference, shared by the real-GPU test
// (dtw-native.test.ts, skipped without a device) and the CPU-emulated one (dtw-cuda-emulated.test.ts).
import assert from 'node:assert/strict';
import { costMatrix, dtw, dtwBatch, dtwBatchAsync } from '../../shared/alignment/index.js';
import { cosineCostMatrix, dtwReference } from '../../shared/alignment/dtw-reference.js';
import type { DtwVariant } from '../../shared/alignment/types.js';
import { checkPathShape, randomMatrix, referenceCases } from './dtw-helpers.js';

export const VARIANTS: DtwVariant[] = ['full', 'subsequence', 'open_end', 'open_begin_end'];
export const SHAPES: Array<[number, number, number]> = [
  [1, 1, 8], [1, 9, 8], [9, 1, 8], [17, 16, 24], [16, 17, 5], [40, 73, 32], [73, 40, 32], [129, 100, 64], [50, 200, 16],
];
export const BANDS: Array<number | undefined> = [undefined, 0, 4];

/** One pair at a time: same path as the reference, cost within float rounding. */
export function checkCudaPairs(shapes = SHAPES, variants = VARIANTS, bands = BANDS): void {
  for (const { n, m, d, a, b, variant, band, ref } of referenceCases(shapes, variants, bands)) {
    const r = dtw(a, b, { variant, band, backend: 'cuda' });
    const what = `cuda ${variant} band=${band} ${n}x${m}x${d}`;
    assert.equal(r.backend, 'cuda');
    assert.ok(Math.abs(r.cost - ref.cost) <= 1e-4 * Math.max(1, Math.abs(ref.cost)), `${what}: ${r.cost} vs ${ref.cost}`);
    assert.deepEqual(r.path, ref.path, what);
    assert.equal(checkPathShape(r.path, n, m, variant), null, what);
  }
}

/** Batched mode (one gold, several trainees of different lengths), sync and async, and the cost matrix. */
export async function checkCudaBatchAndCost(): Promise<void> {
  const gold = randomMatrix(64, 32, 1);
  const trainees = [randomMatrix(50, 32, 2), randomMatrix(130, 32, 3), randomMatrix(1, 32, 4), randomMatrix(64, 32, 5)];
  for (const variant of VARIANTS) {
    const batch = dtwBatch(gold, trainees, { backend: 'cuda', variant, band: variant === 'full' ? 6 : undefined });
    assert.equal(batch.length, trainees.length);
    trainees.forEach((t, k) => {
      const ref = dtwReference(gold, t, { variant, band: variant === 'full' ? 6 : undefined });
      assert.deepEqual(batch[k].path, ref.path, `batch ${variant} #${k}`);
    });
  }
  const async = await dtwBatchAsync(gold, trainees, { backend: 'cuda', variant: 'subsequence' });
  assert.deepEqual(async, dtwBatch(gold, trainees, { backend: 'cuda', variant: 'subsequence' }));
  assert.deepEqual(dtwBatch(gold, [], { backend: 'cuda' }), []);
  for (const [n, m, d] of [[64, 130, 32], [7, 50, 768], [100, 97, 17]]) {
    const a = randomMatrix(n, d, n + d);
    const b = randomMatrix(m, d, 3 * m + d);
    const c = costMatrix(a, b, { backend: 'cuda' });
    const ref = cosineCostMatrix(a, b);
    assert.equal(c.length, n * m);
    for (let k = 0; k < c.length; k++) assert.ok(Math.abs(c[k] - ref[k]) < 1e-5, `cost ${n}x${m}x${d} at ${k}`);
  }
}

// Every native code path (AVX-512 / AVX2 / scalar on this CPU, and CUDA when a GPU is present)
// against the TypeScript reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  costMatrix,
  dtw,
  dtwAsync,
  dtwBackendInfo,
  dtwBatch,
  dtwBatchAsync,
  dtwOnCost,
  onBackendWarning,
  subsequenceAlign,
  type Isa,
} from '../../shared/alignment/index.js';
import { cosineCostMatrix, dtwFromCost, dtwReference } from '../../shared/alignment/dtw-reference.js';
import { checkPathShape, randomMatrix, referenceCases } from './dtw-helpers.js';
import { BANDS, SHAPES, VARIANTS, checkCudaBatchAndCost, checkCudaPairs } from './dtw-cuda-checks.js';

const info = dtwBackendInfo();
const nativeSkip = info.native.available ? false : `native addon not built: ${info.native.message}`;
const cudaSkip = info.cuda.available ? false : `no CUDA backend: ${info.cuda.message}`;
const ISAS: Isa[] = (['scalar', 'avx2', 'avx512'] as Isa[]).filter(
  (isa) => info.native.isa !== null && ['scalar', 'avx2', 'avx512'].indexOf(isa) <= ['scalar', 'avx2', 'avx512'].indexOf(info.native.isa!),
);

test('native: cost matrix matches the reference on every ISA', { skip: nativeSkip }, () => {
  for (const [n, m, d] of [[1, 1, 3], [7, 50, 768], [53, 49, 17], [100, 97, 64]]) {
    const a = randomMatrix(n, d, n + d);
    const b = randomMatrix(m, d, m * 3 + d);
    const ref = cosineCostMatrix(a, b);
    for (const isa of ISAS) {
      for (const threads of [1, 2]) {
        const c = costMatrix(a, b, { backend: 'native', isa, threads });
        assert.equal(c.length, n * m);
        let maxDiff = 0;
        for (let k = 0; k < c.length; k++) maxDiff = Math.max(maxDiff, Math.abs(c[k] - ref[k]));
        assert.ok(maxDiff < 1e-5, `${isa} ${n}x${m}x${d}: max diff ${maxDiff}`);
      }
    }
  }
});

test('native: DP on the same cost matrix is bit-identical to the reference (all ISAs, variants, bands)', { skip: nativeSkip }, () => {
  for (const [n, m, d] of SHAPES) {
    const cost = cosineCostMatrix(randomMatrix(n, d, 11 * n + m), randomMatrix(m, d, 7 * m + n + 1));
    for (const variant of VARIANTS) {
      for (const band of BANDS) {
        const ref = dtwFromCost(cost, n, m, { variant, band });
        for (const isa of ISAS) {
          const r = dtwOnCost(cost, n, m, { variant, band, isa, backend: 'native' });
          const what = `${isa} ${variant} band=${band} ${n}x${m}`;
          assert.equal(r.backend, 'native');
          assert.equal(r.cost, ref.cost, what);
          assert.deepEqual(r.path, ref.path, what);
        }
      }
    }
  }
});

test('native: end to end (cost + DP) agrees with the reference', { skip: nativeSkip }, () => {
  for (const { n, m, a, b, variant, band, ref } of referenceCases(SHAPES, VARIANTS, BANDS)) {
    for (const isa of ISAS) {
      const r = dtw(a, b, { variant, band, isa, backend: 'native' });
      const what = `${isa} ${variant} band=${band} ${n}x${m}`;
      assert.ok(Math.abs(r.cost - ref.cost) <= 1e-4 * Math.max(1, Math.abs(ref.cost)), `${what}: ${r.cost} vs ${ref.cost}`);
      assert.deepEqual(r.path, ref.path, what);
      assert.equal(checkPathShape(r.path, n, m, variant), null, what);
    }
  }
});

test('native: async, batch and subsequence entry points agree with sync', { skip: nativeSkip }, async () => {
  const gold = randomMatrix(60, 32, 1);
  const trainees = [randomMatrix(50, 32, 2), randomMatrix(90, 32, 3), randomMatrix(1, 32, 4)];
  const sync = trainees.map((t) => dtw(gold, t, { backend: 'native', variant: 'open_end' }));
  assert.deepEqual(dtwBatch(gold, trainees, { backend: 'native', variant: 'open_end' }), sync);
  assert.deepEqual(await dtwBatchAsync(gold, trainees, { backend: 'native', variant: 'open_end' }), sync);
  assert.deepEqual(await dtwAsync(gold, trainees[1], { backend: 'native', variant: 'open_end' }), sync[1]);
  const sub = subsequenceAlign(trainees[0], gold, { backend: 'native' });
  assert.deepEqual(sub.path, dtwReference(trainees[0], gold, { variant: 'subsequence' }).path);
  assert.deepEqual(dtwBatch(gold, [], { backend: 'native' }), []);
});

test('native: errors are clear and asynchronous errors reject', { skip: nativeSkip }, async () => {
  const a = randomMatrix(4, 8, 1);
  assert.throws(() => dtw(a, randomMatrix(4, 6, 2), { backend: 'native' }), /dimension mismatch/);
  assert.throws(() => dtw({ rows: 0, dim: 8, data: new Float32Array(0) }, a, { backend: 'native' }), /empty/);
  await assert.rejects(dtwAsync(a, { rows: 0, dim: 8, data: new Float32Array(0) }, { backend: 'native' }), /empty/);
  assert.throws(() => dtwOnCost(new Float32Array(3), 2, 2, { backend: 'native' }), /needs 4/);
});

test('backend selection: auto picks the best loaded backend; ts is always there', () => {
  const expected = info.cuda.available ? 'cuda' : info.native.available ? 'native' : 'ts';
  assert.equal(info.selected, expected);
  const a = randomMatrix(5, 8, 1);
  assert.equal(dtw(a, a).backend, expected);
  assert.equal(dtw(a, a, { backend: 'ts' }).backend, 'ts');
  assert.equal(dtw(a, a, { useGpu: 'false' }).backend, info.native.available ? 'native' : 'ts');
  if (!info.cuda.available) {
    assert.throws(() => dtw(a, a, { backend: 'cuda' }), /CUDA backend not available/);
    assert.throws(() => dtw(a, a, { useGpu: 'true' }), /CUDA backend not available/);
  }
  const seen: string[] = [];
  const off = onBackendWarning((w) => seen.push(w));
  off();
  assert.deepEqual(seen, info.warnings);
});

test('cuda: matches the reference (one pair and batched)', { skip: cudaSkip }, async () => {
  checkCudaPairs();
  await checkCudaBatchAndCost();
});

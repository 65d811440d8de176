// The scoring engine's native passes (native/src/score_kernels.cc: the gold mean, centring, the
// visits alignment) against their TypeScript references, to the bit; and whole score outcomes
// with the native passes and the native cost matrix against the all-TypeScript engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configureDtw, costMatrix, dtwBackendInfo, nativeScoringKernels } from '../../shared/alignment/index.js';
import { cosineCostMatrix } from '../../shared/alignment/dtw-reference.js';
import type { Matrix } from '../../shared/alignment/types.js';
import { centerRowsInPlace, centerRowsInPlaceReference, rowMean, rowMeanReference } from '../../shared/scoring/center.js';
import { alignWithDrops, alignWithDropsReference, type VisitCosts } from '../../shared/scoring/visits.js';
import { scoreAlignment } from '../../shared/scoring/score.js';
import { goldConsecutiveRows, goldConsecutiveRowsReference } from '../../shared/scoring/score-visits.js';
import { makeRng, render } from '../../shared/scoring/synthetic.js';
import { makeCase, pieces } from '../helpers/scoring-cases.js';

const skip = nativeScoringKernels() ? false : `native addon not built: ${dtwBackendInfo().native.message}`;

function randomRows(n: number, d: number, seed: number, offset = 0): Matrix {
  const rng = makeRng(seed);
  const buf = new Float32Array(offset + n * d);
  for (let k = 0; k < buf.length; k++) buf[k] = rng() * 2 - 1 + (k % d === 3 ? 5 : 0);
  return { rows: n, dim: d, data: buf.subarray(offset) };
}
const copy = (x: Matrix): Matrix => ({ rows: x.rows, dim: x.dim, data: x.data.slice() });
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) assert.fail(`${what}: element ${k} ${a[k]} != ${b[k]}`);
};

test('native rowMean and centring are bit-identical to the TypeScript references', { skip }, () => {
  for (const [n, d, offset] of [[1, 1, 0], [3, 5, 1], [8, 16, 0], [13, 768, 3], [37, 4608, 0], [9, 2816, 7]]) {
    const x = randomRows(n, d, n * 31 + d, offset);
    const mu = rowMean(x);
    sameBits(mu, rowMeanReference(x), `mean ${n}x${d}`);
    const a = copy(x);
    const b = copy(x);
    // A row equal to the mean becomes zero on both paths.
    if (n > 2) for (let k = 0; k < d; k++) a.data[d + k] = b.data[d + k] = Math.fround(mu[k]);
    const mu2 = rowMeanReference(a);
    centerRowsInPlace(a, mu2);
    centerRowsInPlaceReference(b, mu2);
    sameBits(a.data, b.data, `centred ${n}x${d}`);
  }
});

test('native consecutive-row cosines are bit-identical to the TypeScript reference', { skip }, () => {
  for (const [n, d, offset] of [[0, 4, 0], [1, 1, 0], [2, 3, 1], [9, 16, 0], [10, 5, 2], [17, 768, 3], [37, 4608, 0], [26, 2816, 7]]) {
    const x = randomRows(n, d, n * 17 + d, offset);
    centerRowsInPlace(x, rowMean(x));
    const got = goldConsecutiveRows(x);
    assert.ok(Array.isArray(got));
    sameBits(got, goldConsecutiveRowsReference(x), `consecutive ${n}x${d}`);
    // Raw (not unit) rows too: the sums, not the normalisation, are what must match.
    const raw = randomRows(n, d, n + 5 * d, offset);
    sameBits(goldConsecutiveRows(raw), goldConsecutiveRowsReference(raw), `raw consecutive ${n}x${d}`);
  }
});

test('native cost matrix: the AVX-512 path (k in slabs) gives the AVX2 path\'s matrix to the bit', { skip: skip || (dtwBackendInfo().native.isa !== 'avx512' ? 'no AVX-512 on this CPU' : false) }, () => {
  for (const [n, m, d] of [[1, 1, 3], [8, 48, 16], [37, 53, 100], [130, 101, 1600], [500, 500, 4608], [9, 300, 3100]]) {
    const a = randomRows(n, d, n + 7 * d);
    const b = randomRows(m, d, m + 3 * d);
    sameBits(costMatrix(a, b, { backend: 'native', isa: 'avx512', threads: 2 }), costMatrix(a, b, { backend: 'native', isa: 'avx2', threads: 1 }), `${n}x${m}x${d}`);
  }
});

test('native alignWithDrops gives the reference assignment on tie-heavy and random costs', { skip }, () => {
  const rng = makeRng(99);
  for (const [n, m] of [[1, 1], [1, 9], [9, 1], [5, 7], [40, 33], [120, 150], [500, 500]]) {
    for (const ties of [true, false]) {
      const cost = new Float32Array(n * m);
      // Quantised costs make equal sums common, so every tie-break is exercised.
      for (let k = 0; k < cost.length; k++) cost[k] = ties ? Math.floor(rng() * 5) / 4 : rng() * 2;
      const jumpRow = Float64Array.from({ length: n }, () => (ties ? Math.floor(rng() * 8) / 4 : rng() * 3));
      const cases: VisitCosts[] = [
        { drop: Infinity, jump: Infinity },
        { drop: 0.5, jump: 1 },
        { drop: 0.75, jump: jumpRow },
        { drop: 0.25, jump: Array.from(jumpRow) },
        { drop: 1 - 0.6 * 0.8, jump: 0 },
      ];
      for (const c of cases) sameBits(alignWithDrops(cost, n, m, c), alignWithDropsReference(cost, n, m, c), `${n}x${m} ties=${ties} drop=${c.drop}`);
    }
  }
});

test('whole score outcomes: native passes + native cost matrix equal the all-TypeScript engine', { skip }, () => {
  const native = { costMatrix: (a: Matrix, b: Matrix) => costMatrix(a, b, { backend: 'native' }) };
  const ts = { costMatrix: cosineCostMatrix };
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const c = makeCase(seed);
    const p = pieces(c, 1.2);
    // A swap, a left-out step and a redone one, so every deviation kind is in play.
    [p[1], p[2]] = [p[2], p[1]];
    p.splice(c.k, 1);
    p.push({ ...p[1] });
    const t = render(c.rng, p, c.noise);
    const input = (backend: typeof native) => ({ gold: copy(c.gold.emb), goldTimes: c.gold.times, goldSteps: c.steps, trainee: copy(t.emb), traineeTimes: t.times, backend });
    const fast = scoreAlignment(input(native));
    configureDtw({ nativeScoring: false });
    try {
      const ref = scoreAlignment(input(ts));
      assert.deepEqual(fast.deviations, ref.deviations, `seed ${seed}`);
      assert.deepEqual(fast.path, ref.path, `seed ${seed}`);
      assert.equal(fast.score, ref.score, `seed ${seed}`);
      assert.deepEqual(fast.steps, ref.steps, `seed ${seed}`);
    } finally {
      configureDtw({ nativeScoring: true });
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandLimits, cosineCostMatrix, dtwFromCost, dtwReference } from '../../shared/alignment/dtw-reference.js';
import type { DtwVariant } from '../../shared/alignment/types.js';
import { checkPathShape, randomMatrix } from './dtw-helpers.js';

const VARIANTS: DtwVariant[] = ['full', 'subsequence', 'open_end', 'open_begin_end'];

/** Minimum raw cost of any step-pattern path from an allowed start to (ei, ej), by exhaustive recursion. */
function bruteToCell(C: Float32Array, m: number, ei: number, ej: number, variant: DtwVariant): number {
  const memo = new Map<number, number>();
  const go = (i: number, j: number): number => {
    const key = i * m + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const c = C[i * m + j];
    let best = Infinity;
    const isStart =
      (i === 0 && j === 0) || (i === 0 && (variant === 'subsequence' || variant === 'open_begin_end')) || (j === 0 && variant === 'open_begin_end');
    if (isStart) best = 0;
    else {
      if (i > 0 && j > 0) best = Math.min(best, go(i - 1, j - 1));
      if (i > 0) best = Math.min(best, go(i - 1, j));
      if (j > 0) best = Math.min(best, go(i, j - 1));
    }
    memo.set(key, c + best);
    return c + best;
  };
  return go(ei, ej);
}

function pathCost(C: Float32Array, m: number, path: Array<[number, number]>): number {
  return path.reduce((s, [i, j]) => s + C[i * m + j], 0);
}

test('reference: optimal cost against exhaustive search on small random inputs', () => {
  for (const [n, m] of [[1, 1], [1, 5], [5, 1], [3, 4], [6, 6], [7, 4], [4, 9]]) {
    const C = cosineCostMatrix(randomMatrix(n, 8, n * 31 + m), randomMatrix(m, 8, m * 17 + n + 1));
    for (const variant of VARIANTS) {
      const r = dtwFromCost(C, n, m, { variant });
      assert.equal(checkPathShape(r.path, n, m, variant), null, `${variant} ${n}x${m}`);
      assert.ok(Math.abs(pathCost(C, m, r.path) - r.cost) < 1e-4, 'cost is the sum along the path');
      const [ei, ej] = r.path[r.path.length - 1];
      assert.ok(Math.abs(bruteToCell(C, m, ei, ej, variant) - r.cost) < 1e-4, `${variant} ${n}x${m}: optimal to its end cell`);
      if (variant === 'full') assert.ok(Math.abs(bruteToCell(C, m, n - 1, m - 1, variant) - r.cost) < 1e-4);
      if (variant === 'subsequence') {
        let best = Infinity;
        for (let j = 0; j < m; j++) best = Math.min(best, bruteToCell(C, m, n - 1, j, variant));
        assert.ok(Math.abs(best - r.cost) < 1e-4, `subsequence ${n}x${m}: best end on last row`);
      }
      assert.ok(Math.abs(r.normalizedCost - r.cost / r.path.length) < 1e-12);
      assert.equal(r.backend, 'ts');
    }
  }
});

test('reference: identical sequences align on the diagonal with ~zero cost', () => {
  const a = randomMatrix(20, 16, 3);
  const r = dtwReference(a, a);
  assert.deepEqual(r.path, Array.from({ length: 20 }, (_, i) => [i, i]));
  assert.ok(Math.abs(r.cost) < 1e-4);
});

test('reference: subsequence finds the query inside a longer reference', () => {
  const ref = randomMatrix(40, 16, 9);
  const query = { rows: 10, dim: 16, data: ref.data.slice(12 * 16, 22 * 16) };
  const r = dtwReference(query, ref, { variant: 'subsequence' });
  assert.deepEqual(r.path, Array.from({ length: 10 }, (_, i) => [i, 12 + i]));
  // full alignment of the same pair must pay for the unmatched reference
  assert.ok(dtwReference(query, ref).cost > r.cost + 1);
});

test('reference: ties prefer diagonal, then vertical, then horizontal', () => {
  // All-zero costs: every path costs 0, the tie rule alone decides. The rule is applied per cell
  // on the way back from the end, so the diagonal run sits at the end and the slack at the start.
  const r = dtwFromCost(new Float32Array(3 * 5), 3, 5);
  assert.deepEqual(r.path, [[0, 0], [0, 1], [0, 2], [1, 3], [2, 4]]);
  const r2 = dtwFromCost(new Float32Array(5 * 3), 5, 3);
  assert.deepEqual(r2.path, [[0, 0], [1, 0], [2, 0], [3, 1], [4, 2]]);
  // vertical and horizontal tie, both cheaper than the diagonal: vertical wins
  const r3 = dtwFromCost(new Float32Array([0, -1, -1, 0]), 2, 2);
  assert.equal(r3.cost, -1);
  // D[1][1]: diag 0, up D[0][1] = -1, left D[1][0] = -1 -> up, i.e. the predecessor is (0,1)
  assert.deepEqual(r3.path, [[0, 0], [0, 1], [1, 1]]);
});

test('reference: band limits contain the diagonal, stay connected, and banded paths stay inside', () => {
  for (const [n, m, band] of [[10, 10, 0], [10, 30, 0], [30, 10, 1], [50, 47, 3], [2, 100, 0], [100, 2, 0]]) {
    const { lo, hi } = bandLimits(n, m, band);
    assert.equal(lo[0], 0);
    assert.equal(hi[n - 1], m - 1);
    for (let i = 1; i < n; i++) {
      assert.ok(lo[i] >= lo[i - 1] && hi[i] >= hi[i - 1], 'monotone');
      assert.ok(lo[i] <= hi[i - 1] + 1, 'rows touch');
    }
    const C = cosineCostMatrix(randomMatrix(n, 8, n + m), randomMatrix(m, 8, n * m));
    const r = dtwFromCost(C, n, m, { band });
    assert.equal(checkPathShape(r.path, n, m, 'full'), null);
    for (const [i, j] of r.path) assert.ok(j >= lo[i] && j <= hi[i], `cell ${i},${j} inside band`);
    assert.ok(r.cost >= dtwFromCost(C, n, m).cost - 1e-6, 'a band never lowers the optimum');
  }
  // a wide band is the same as no band
  const C = cosineCostMatrix(randomMatrix(12, 8, 1), randomMatrix(15, 8, 2));
  assert.deepEqual(dtwFromCost(C, 12, 15, { band: 100 }).path, dtwFromCost(C, 12, 15).path);
});

test('reference: clear errors for empty input, dim mismatch and bad options', () => {
  const a = randomMatrix(4, 8, 1);
  assert.throws(() => dtwReference({ rows: 0, dim: 8, data: new Float32Array(0) }, a), /empty/);
  assert.throws(() => dtwReference(a, { rows: 0, dim: 8, data: new Float32Array(0) }), /empty/);
  assert.throws(() => dtwReference(a, randomMatrix(4, 6, 2)), /dimension mismatch/);
  assert.throws(() => dtwReference(a, { rows: 4, dim: 8, data: new Float32Array(5) }), /needs rows\*dim/);
  assert.throws(() => dtwReference(a, a, { band: -1 }), /band/);
  assert.throws(() => dtwReference(a, a, { variant: 'nope' as DtwVariant }), /unknown variant/);
  assert.throws(() => dtwFromCost(new Float32Array(0), 0, 3), /empty/);
});

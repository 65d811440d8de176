import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityShares, unsharedCells, zeroGridCells, type GridLayout } from '../../shared/perception/shared-work.js';

// A toy vector: 2 head entries, then a grid of 4 cells x [change, motion | change trend, motion trend].
const grid: GridLayout = { tail: 16, cellCount: 4, activityBlocks: 2 };
const dim = 18;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) ((ab += a[i] * b[i]), (aa += a[i] * a[i]), (bb += b[i] * b[i]));
  return ab / Math.sqrt(aa * bb);
}

/** A vector whose grid has `change` per cell (motion and trends 0). */
function vec(head: [number, number], change: number[]): Float32Array {
  const v = new Float32Array(dim);
  v.set(head, 0);
  change.forEach((c, k) => (v[2 + k] = c));
  return v;
}

test('shared work: shares are per-cell activity over the activity blocks, normalised; trends are not activity', () => {
  const m = new Float64Array(dim);
  m[2] = 1; // change, cell 0
  m[2 + 4 + 1] = 1; // motion, cell 1
  m[2 + 8 + 2] = -5; // a trend: not activity
  m[2 + 12 + 3] = 7; // a trend: not activity
  assert.deepEqual(Array.from(activityShares(m, dim, grid)), [0.5, 0.5, 0, 0]);
});

test('shared work: a cell only one video is active in is unshared; alike shares, and cells idle in both, are not', () => {
  const gold = Float64Array.from([0.4, 0.3, 0.3, 0]);
  const trainee = Float64Array.from([0.5, 0.45, 0.05, 0]);
  // Cell 2: 0.05 < 0.25 x 0.3. Cell 0 and 1 alike; cell 3 idle in both.
  assert.deepEqual(unsharedCells(gold, trainee), [2]);
  assert.deepEqual(unsharedCells(trainee, gold), [2], 'symmetric');
  assert.deepEqual(unsharedCells(gold, trainee, 0.1), [], 'a looser ratio keeps it');
  assert.throws(() => unsharedCells(gold, new Float64Array(3)), /4 vs 3 cells/);
});

test('shared work: a bystander in one video stops costing the match once its cells are projected out', () => {
  // The same work in cell 0 and 1; the gold also shows a passer-by in cell 3.
  const g = vec([0.2, 0.1], [1, 0.5, 0, 2]);
  const t = vec([0.2, 0.1], [1, 0.5, 0, 0]);
  const before = cosine(g, t);
  const m = { rows: 2, dim, data: new Float32Array([...g, ...t]) };
  zeroGridCells(m, grid, [3]);
  const a = m.data.subarray(0, dim);
  const b = m.data.subarray(dim);
  assert.ok(before < 0.6, `before ${before}`);
  assert.ok(Math.abs(cosine(a, b) - 1) < 1e-6, 'the rest matches exactly');
  for (const r of [a, b]) assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-6, 'rows unit again');
  // Every block of the cell goes, not only the change channel.
  const all = { rows: 1, dim, data: Float32Array.from({ length: dim }, () => 1) };
  zeroGridCells(all, grid, [3]);
  for (const x of [2 + 3, 2 + 7, 2 + 11, 2 + 15]) assert.equal(all.data[x], 0);
  assert.ok(all.data[0] > 0 && all.data[2] > 0);
  assert.throws(() => zeroGridCells(all, { ...grid, tail: 15 }, [1]), /whole blocks/);
});

// View compensation primitives (shared/scoring/view-offset.ts) and idle detection (idle.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineCostMatrix } from '../../shared/alignment/dtw-reference.js';
import { ShiftedRows, estimateViewOffset, shiftedCost, weightedRowSum } from '../../shared/scoring/view-offset.js';
import { centerRows } from '../../shared/scoring/center.js';
import { idleLimit, idleRun } from '../../shared/scoring/idle.js';
import { randomMatrix } from './dtw-helpers.js';

test('two view shifts: ShiftedRows and shiftedCost equal re-normalising real copies and a fresh cost matrix', () => {
  const g = randomMatrix(13, 24, 1);
  const t = randomMatrix(17, 24, 2);
  const offs = [0.1, -0.07].map((a, r) => Float64Array.from({ length: 24 }, (_, k) => Math.sin(k + r) * a));
  const dot = (x: typeof g, v: Float64Array) => Float64Array.from({ length: x.rows }, (_, i) => { let s = 0; for (let k = 0; k < 24; k++) s += x.data[i * 24 + k] * v[k]; return s; });
  const rows = new ShiftedRows(t, new Float64Array(17).fill(1));
  let cost = cosineCostMatrix(g, t);
  let copy = t;
  for (const off of offs) {
    const rowDot = rows.dots(dot(t, off), off);
    cost = shiftedCost(cost, dot(g, off), rowDot, rows.sqNorm, off);
    rows.shift(off, rowDot);
    copy = centerRows(copy, off); // rows - off, re-normalised: the definition
  }
  const ref = cosineCostMatrix(g, copy);
  for (let k = 0; k < ref.length; k++) assert.ok(Math.abs(cost[k] - ref[k]) < 1e-5, `cell ${k}: ${cost[k]} vs ${ref[k]}`);
  for (let j = 0; j < 17; j++) {
    const r = rows.row(j);
    for (let k = 0; k < 24; k++) assert.ok(Math.abs(r[k] - copy.data[j * 24 + k]) < 1e-5, `row ${j}`);
  }
  const w = Float64Array.from({ length: 17 }, (_, j) => (j % 3) / 10);
  const a = rows.weightedSum(w);
  const b = weightedRowSum(copy, w);
  for (let k = 0; k < 24; k++) assert.ok(Math.abs(a[k] - b[k]) < 1e-5);
});

test('a row that the shift makes zero stays zero: cosine 0, cost 1', () => {
  const g = randomMatrix(5, 8, 4);
  const t = randomMatrix(3, 8, 5);
  const off = Float64Array.from(t.data.subarray(8, 16));
  const rows = new ShiftedRows(t, new Float64Array(3).fill(1));
  const dot = (x: typeof g) => Float64Array.from({ length: x.rows }, (_, i) => { let s = 0; for (let k = 0; k < 8; k++) s += x.data[i * 8 + k] * off[k]; return s; });
  const rowDot = rows.dots(dot(t), off);
  const cost = shiftedCost(cosineCostMatrix(g, t), dot(g), rowDot, rows.sqNorm, off);
  rows.shift(off, rowDot);
  assert.equal(rows.sqNorm[1], 0);
  for (let i = 0; i < 5; i++) assert.equal(cost[i * 3 + 1], 1);
  assert.ok(rows.row(1).every((v) => v === 0));
});

test('estimateViewOffset recovers a constant offset from matched clips and ignores the worst-matching ones', () => {
  const g = randomMatrix(40, 16, 3);
  const off = Float64Array.from({ length: 16 }, (_, k) => (k % 3) * 0.05 - 0.05);
  // trainee = gold + offset (not re-normalised, so the offset is exactly recoverable), except 10 garbage rows
  const t = { rows: 40, dim: 16, data: new Float32Array(40 * 16) };
  for (let i = 0; i < 40; i++) for (let k = 0; k < 16; k++) t.data[i * 16 + k] = g.data[i * 16 + k] + off[k];
  const junk = randomMatrix(10, 16, 9);
  t.data.set(junk.data, 30 * 16);
  const path: Array<[number, number]> = Array.from({ length: 40 }, (_, i) => [i, i]);
  const cost = cosineCostMatrix(g, t);
  const est = estimateViewOffset(g, (w) => weightedRowSum(t, w), 40, cost, path, 0.5);
  assert.equal(est.clipsUsed, 20);
  for (let k = 0; k < 16; k++) assert.ok(Math.abs(est.offset[k] - off[k]) < 1e-6, `dim ${k}`);
  assert.ok(Math.abs(est.norm - Math.hypot(...off)) < 1e-6);
});

test('idle runs: only near-identical neighbours at the outer edge, never above a gold that is itself still', () => {
  const sims = [0.99, 0.999, 0.97, 0.6, 0.7, 0.98, 0.99];
  const sim = (i: number) => sims[i];
  const lim = idleLimit([0.5, 0.6, 0.7, 0.8, 0.85], 0.95, 0.9);
  assert.equal(idleRun(sim, { start: 0, end: 7 }, 'start', lim), 3);
  assert.equal(idleRun(sim, { start: 0, end: 7 }, 'end', lim), 2);
  assert.equal(idleRun(sim, { start: 3, end: 4 }, 'start', lim), 0);
  assert.equal(idleRun(sim, { start: 5, end: 6 }, 'start', lim), 1); // always leaves one clip
  const stillGold = idleLimit([1, 1, 1, 1, 0.5], 0.95, 0.9);
  assert.equal(idleRun(sim, { start: 0, end: 7 }, 'start', stillGold), 0);
});

// View compensation primitives (shared/scoring/view-offset.ts) and idle detection (idle.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineCostMatrix } from '../../shared/alignment/dtw-reference.js';
import { estimateViewOffset, shiftRows, shiftedCost } from '../../shared/scoring/view-offset.js';
import { idleLimit, idleRun } from '../../shared/scoring/idle.js';
import { randomMatrix } from './dtw-helpers.js';

test('shiftedCost equals the cost matrix of the shifted, re-normalised rows (no GEMM), zero rows included', () => {
  const g = randomMatrix(13, 24, 1);
  const t = randomMatrix(17, 24, 2);
  const off = Float64Array.from(Float32Array.from({ length: 24 }, (_, k) => Math.sin(k) * 0.1));
  // A trainee row equal to the offset becomes a zero row.
  t.data.set(Float32Array.from(off), 5 * 24);
  const sq = Float64Array.from({ length: 17 }, (_, j) => { let s = 0; for (let k = 0; k < 24; k++) s += t.data[j * 24 + k] ** 2; return s; });
  const dot = (x: typeof g) => Float64Array.from({ length: x.rows }, (_, i) => { let s = 0; for (let k = 0; k < 24; k++) s += x.data[i * 24 + k] * off[k]; return s; });
  const fast = shiftedCost(cosineCostMatrix(g, t), dot(g), dot(t), sq, off);
  const shifted = shiftRows(t, off);
  assert.equal(shifted.sqNorm[5], 0);
  assert.equal(shifted.sqNorm[0], 1);
  const ref = cosineCostMatrix(g, shifted.rows);
  for (let k = 0; k < ref.length; k++) assert.ok(Math.abs(fast[k] - ref[k]) < 1e-5, `cell ${k}: ${fast[k]} vs ${ref[k]}`);
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
  const est = estimateViewOffset(g, t, cost, path, 0.5);
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

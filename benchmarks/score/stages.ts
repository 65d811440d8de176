/**
 * node --import tsx benchmarks/score/stages.ts [--dim 4608] [--runs 15] [--clips 500]
 * Where a score job's CPU goes, stage by stage, in the order alignVideos runs them (compute.ts):
 * the vectors read from a file (as the object-store blob is), the gold mean and centring, the
 * gold's consecutive similarity, then scoreAlignment (the cost matrix and the visits method's two
 * alignments). CPU ms are user+sys of the whole process (all threads), medians over the runs;
 * the GEMM's GFLOPS are from its best wall time. Table on stdout; no JSON (bench:score is the figure).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { costMatrix, configureDtw } from '../../shared/alignment/index.js';
import type { Matrix } from '../../shared/alignment/types.js';
import { rowMean, centerRowsInPlace } from '../../shared/scoring/center.js';
import { alignWithDrops } from '../../shared/scoring/visits.js';
import { scoreAlignment } from '../../shared/scoring/score.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';
import { meanConsecutiveSimilarity } from '../../shared/scoring/score-visits.js';

const { values } = parseArgs({ options: { dim: { type: 'string', default: '4608' }, runs: { type: 'string', default: '15' }, clips: { type: 'string', default: '500' } } });
const dim = Number(values.dim);
const runs = Number(values.runs);
const N = Number(values.clips);
configureDtw({ useGpu: 'false' });
const rng = makeRng(7);
const proc = makeProcedure(rng, 20, dim, Math.floor(N / 20), Math.floor(N / 20));
const gold = render(rng, proc.models.map((m) => ({ model: m, clips: N / 20 })), 0.3);
const trainee = render(rng, proc.models.map((m) => ({ model: m, clips: N / 20 })), 0.3);
const steps = gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] }));
const dir = mkdtempSync(path.join(os.tmpdir(), 'score-stages-'));
writeFileSync(path.join(dir, 'g.f32'), gold.emb.data);
writeFileSync(path.join(dir, 't.f32'), trainee.emb.data);

const stages = ['read 2 blobs', 'rowMean', 'centre x2', 'gold consecutive', 'scoreAlignment', '  costMatrix', '  2 x alignWithDrops', 'whole'] as const;
const cpu: Record<string, number[]> = Object.fromEntries(stages.map((s) => [s, []]));
const wall: Record<string, number[]> = Object.fromEntries(stages.map((s) => [s, []]));
async function stage<T>(name: (typeof stages)[number], f: () => T | Promise<T>, keep: boolean): Promise<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await f();
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  if (keep) (wall[name].push(t1 - t0), cpu[name].push((c.user + c.system) / 1000));
  return out;
}
const load = async (f: string): Promise<Matrix> => {
  const b = await readFile(path.join(dir, f));
  return { rows: N, dim, data: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) };
};
let score = 0;
for (let r = 0; r <= runs; r++) {
  const keep = r > 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const [g, t] = await stage('read 2 blobs', () => Promise.all([load('g.f32'), load('t.f32')]), keep);
  const mean = await stage('rowMean', () => rowMean(g), keep);
  await stage('centre x2', () => (centerRowsInPlace(g, mean), centerRowsInPlace(t, mean)), keep);
  await stage('gold consecutive', () => meanConsecutiveSimilarity(g), keep);
  const out = await stage('scoreAlignment', () => scoreAlignment({ gold: g, trainee: t, goldSteps: steps, goldTimes: gold.times, traineeTimes: trainee.times, backend: { costMatrix: (a, b) => costMatrix(a, b, { backend: 'native' }) } }, { preCentered: true }), keep);
  score = out.score;
  const c = process.cpuUsage(c0);
  if (keep) (wall.whole.push(performance.now() - t0), cpu.whole.push((c.user + c.system) / 1000));
  // The parts of scoreAlignment that this task can change, timed on their own.
  const cost = await stage('  costMatrix', () => costMatrix(g, t, { backend: 'native' }), keep);
  await stage('  2 x alignWithDrops', () => (alignWithDrops(cost, N, N, { drop: Infinity, jump: Infinity }), alignWithDrops(cost, N, N, { drop: 0.5, jump: new Float64Array(N).fill(2) })), keep);
}
rmSync(dir, { recursive: true, force: true });
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`\nScore job stages, ${N} x ${N} x ${dim}, ${runs} runs (score ${score}):`);
console.log('stage                   CPU ms  wall ms (min)');
for (const s of stages) console.log(`${s.padEnd(22)} ${med(cpu[s]).toFixed(1).padStart(7)} ${med(wall[s]).toFixed(1).padStart(8)} (${Math.min(...wall[s]).toFixed(1)})${s === '  costMatrix' ? `   ${((2 * N * N * dim) / Math.min(...wall[s]) / 1e6).toFixed(0)} GFLOPS at best wall` : ''}`);

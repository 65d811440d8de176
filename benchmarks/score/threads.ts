/**
 * node --import tsx benchmarks/score/threads.ts [--dim 4608] [--runs 21] [--clips 500]
 * Where one whole score job's CPU goes by thread: the bench:score job (PGlite, native backend),
 * each run's CPU per live thread (schedstat run time from /proc/self/task) (main, libuv pool, V8 helpers), and
 * what threads that ended during the run used (process total minus the live threads: the native
 * cost kernel's worker threads). Also per stage (load, align, score). --cold: each run is the
 * gold's first job (warm otherwise: later runs use the process's prepared gold). Linux only.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { createLogger } from '../../shared/log.js';
import { saveEmbeddings, saveEmbeddingsBlob, clipsToEmbeddings } from '../../shared/embeddings/repo.js';
import { saveSteps } from '../../shared/ingest/steps.js';
import { createScore, newScoreId, getScore } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs, scoreVideos } from '../../shared/score-jobs/compute.js';
import { configureDtw } from '../../shared/alignment/index.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';

const { values } = parseArgs({ options: { cold: { type: 'boolean', default: false }, dim: { type: 'string', default: '4608' }, runs: { type: 'string', default: '21' }, clips: { type: 'string', default: '500' } } });
const dim = Number(values.dim);
const runs = Number(values.runs);
const N = Number(values.clips);

function threads(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out.set(tid, { name: '', ms: ns / 1e6 });
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}
// Node names every thread "node": told apart by the order they started in. Node starts the main
// thread, then V8's platform workers (GC helpers, concurrent compilers) and its own service
// threads (6 in all on Node 20), then libuv's pool on the first file call; tsx's loader adds a
// worker thread. Ranks past 6 are printed one by one.
const order = () => [...readdirSync('/proc/self/task')].map(Number).sort((a, b) => a - b);
const group = (_name: string, tid: string) => {
  const rank = order().indexOf(Number(tid));
  return rank === 0 ? 'main' : rank <= 6 ? 'V8 platform' : `thread #${rank}`;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'score-threads-'));
const env = { PATH: process.env.PATH, SOPILOT_DATA_DIR: dir, SOPILOT_LOG_LEVEL: 'error', SOPILOT_AUTH_REQUIRED: 'false', SOPILOT_DTW_BACKEND: 'native' };
const ctx = await createContext(loadConfig(env), createLogger({ level: 'error', format: 'json' }));
configureDtw({ useGpu: 'false' });
const rng = makeRng(7);
const proc = makeProcedure(rng, 20, dim, Math.floor(N / 20) - 5, Math.floor(N / 20) + 5);
const gold = render(rng, proc.models.map((m) => ({ model: m, clips: N / 20 })), 0.3);
const trainee = render(rng, proc.models.map((m) => ({ model: m, clips: N / 20 })), 0.3);
for (const [id, v, role] of [['g', gold, 'gold'], ['t', trainee, 'trainee']] as const) {
  await ctx.db.query("INSERT INTO videos (id, task_id, role, status, embedder, embedding_dim, clip_count) VALUES ($1, 'bench', $2, 'indexed', 'bench', $3, $4)", [id, role, dim, v.emb.rows]);
  const clips = Array.from({ length: v.emb.rows }, (_, i) => ({ index: i, start_sec: v.times.start_sec[i] as number, end_sec: v.times.end_sec[i] as number, vector: v.emb.data.slice(i * dim, (i + 1) * dim) }));
  await saveEmbeddings(ctx.db, id, 'bench', clips);
  await saveEmbeddingsBlob(ctx.store, id, clipsToEmbeddings(clips, 'bench'));
}
await saveSteps(ctx.db, 'g', gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] })), 'manual');
const id = newScoreId();
await createScore(ctx.db, { id, taskId: 'bench', goldVideoId: 'g', traineeVideoId: 't', createdBy: 'bench' });
const s = (await getScore(ctx.db, id))!;

type Sample = Record<string, number>;
const sub = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): NodeJS.CpuUsage => ({ user: a.user - b.user, system: a.system - b.system });
const samples: Record<'load' | 'align' | 'score' | 'job', Sample[]> = { load: [], align: [], score: [], job: [] };
function diff(a: Map<string, { name: string; ms: number }>, b: Map<string, { name: string; ms: number }>, p: NodeJS.CpuUsage, wallMs: number): Sample {
  const out: Sample = { wall: wallMs };
  let live = 0;
  for (const [tid, t] of b) {
    const d = t.ms - (a.get(tid)?.ms ?? 0);
    const g = group(t.name, tid);
    out[g] = (out[g] ?? 0) + d;
    live += d;
  }
  out.total = (p.user + p.system) / 1000;
  out['ended threads'] = Math.max(0, out.total - live);
  return out;
}
// --cold: every run is the gold's first job in the process (its prepared gold forgotten, gold-cache.ts).
const cache = (await import('../../shared/score-jobs/gold-cache.js').catch(() => null)) as { clearPreparedGolds(): void } | null;
for (let r = 0; r <= runs; r++) {
  if (values.cold) cache?.clearPreparedGolds();
  const t0 = threads(); const c0 = process.cpuUsage(); const w0 = performance.now();
  const inp = await loadScoreInputs(ctx, s);
  const w1 = performance.now(); const c1 = process.cpuUsage(); const t1 = threads();
  const a = await alignVideos(ctx, s, inp);
  const w2 = performance.now(); const c2 = process.cpuUsage(); const t2 = threads();
  await scoreVideos(ctx, s, a.outcome, a.outcome.deviations.some((d) => d.trainee) ? inp.trainee : null);
  releaseScoreInputs(inp); // as the align handler does
  const w3 = performance.now(); const c3 = process.cpuUsage(); const t3 = threads();
  if (r === 0) continue;
  samples.load.push(diff(t0, t1, sub(c1, c0), w1 - w0));
  samples.align.push(diff(t1, t2, sub(c2, c1), w2 - w1));
  samples.score.push(diff(t2, t3, sub(c3, c2), w3 - w2));
  samples.job.push(diff(t0, t3, sub(c3, c0), w3 - w0));
}
await ctx.close();
rmSync(dir, { recursive: true, force: true });
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const keys = [...new Set(Object.values(samples).flatMap((l) => l.flatMap((x) => Object.keys(x))))];
console.log(`\nOne score job ${N} x ${N} x ${dim} (PGlite, native, gold ${values.cold ? 'cold' : 'warm'}), ${runs} runs, medians in ms [means]:`);
console.log('stage  ' + keys.map((k) => k.padStart(14)).join(''));
for (const [st, l] of Object.entries(samples)) {
  console.log(st.padEnd(7) + keys.map((k) => { const v = l.map((x) => x[k] ?? 0); return `${med(v).toFixed(1)} [${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)}]`.padStart(14); }).join(''));
}

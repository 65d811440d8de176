/**
 * End-to-end benchmark (npm run bench:e2e): wall time per stage (upload, clip-extract, embed,
 * align, score, report) for the demo videos, and for 1, 4 and 16 concurrent trainee uploads,
 * on the embedded defaults (PGlite, folder store, in-process events) and, when asked, on
 * PostgreSQL + Redis (BullMQ) + S3 (s3rver). Prints a table, writes benchmarks/results/e2e.json.
 *
 *   npm run bench:e2e -- [--scale X] [--seed N] [--concurrency 1,4,16] [--services] [--no-embedded]
 *                        [--out FILE]
 * --services: start s3rver, create a fresh database on postgres://postgres@127.0.0.1:5432 and use
 *   redis://127.0.0.1:6379 (a unique queue prefix); dropped/stopped afterwards.
 * Or point at your own: SOPILOT_BENCH_DATABASE_URL, SOPILOT_BENCH_REDIS_URL,
 *   SOPILOT_BENCH_STORE_ENDPOINT (+ SOPILOT_BENCH_STORE_ACCESS_KEY/_SECRET_KEY, default S3RVER).
 *
 * Each configuration runs in its own child process (one host context per process). Upload time
 * is measured by the client; every other stage from its job row (started_at..finished_at).
 * "wait" is what is left of a video's end-to-end time: queueing behind other videos and polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';
import { ensureDemo, runVariants, startLocalHost, type LocalHost } from '../../cli/demo-all.js';
import { SopilotClient, pollUntil } from '../../cli/http-client.js';
import type { DemoManifest } from '../../shared/demo/plan.js';

const STAGES = ['upload', 'clip-extract', 'embed', 'align', 'score', 'report'] as const;
type Stage = (typeof STAGES)[number];
const JOB_STAGES = STAGES.filter((s) => s !== 'upload');

interface ChildSpec {
  name: string;
  env: Record<string, string>;
  demoDir: string;
  dataDir: string;
  concurrency: number[];
  outFile: string;
}

interface VideoTiming {
  video_id: string;
  score_id: string;
  /** ms per stage (upload from the client; others from job rows). */
  stages: Partial<Record<Stage, number>>;
  /** Upload start to report finished. */
  e2e_ms: number;
  wait_ms: number;
}

interface ScenarioResult {
  scenario: string;
  videos: number;
  video_sec: number;
  wall_ms: number;
  videos_per_min: number;
  /** Per stage over the scenario's videos: mean and max run time, and share of all stage time. */
  stages: Record<string, { mean_ms: number; max_ms: number; total_ms: number; share: number }>;
  mean_e2e_ms: number;
  mean_wait_ms: number;
  per_video: VideoTiming[];
}

interface ConfigResult {
  config: string;
  database: string;
  store: string;
  events: string;
  embedder: string | null;
  scenarios: ScenarioResult[];
  error?: string;
}

// ---- child: one configuration ---------------------------------------------------------------

const ms = (a: unknown, b: unknown) => (a && b ? new Date(b as string).getTime() - new Date(a as string).getTime() : NaN);

async function stageTimes(host: LocalHost, videoIds: string[], scoreIds: string[]) {
  const r = await host.ctx.db.query<{ kind: string; status: string; video_id: string | null; score_id: string | null; started_at: unknown; finished_at: unknown }>(
    `SELECT kind, status, video_id, score_id, started_at, finished_at FROM jobs WHERE video_id = ANY($1::text[]) OR score_id = ANY($2::text[])`,
    [videoIds, scoreIds],
  );
  return r.rows;
}

/** Waits until every score's report job is completed (the report is the last stage). */
async function waitReports(host: LocalHost, scoreIds: string[]): Promise<void> {
  await pollUntil(
    `report jobs of ${scoreIds.length} scores`,
    () => host.ctx.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM jobs WHERE kind = 'report' AND status = 'completed' AND score_id = ANY($1::text[])`, [scoreIds]),
    (r) => Number(r.rows[0]?.n ?? 0) >= scoreIds.length,
    { timeoutMs: 120_000, intervalMs: 100, maxIntervalMs: 500 },
  );
}

async function measure(
  host: LocalHost,
  scenario: string,
  runs: Array<{ video_id: string; score_id: string; upload_ms: number; t_start: number }>,
  t0: number,
  videoSec: number,
): Promise<ScenarioResult> {
  await waitReports(host, runs.map((r) => r.score_id));
  const wall = Date.now() - t0;
  const rows = await stageTimes(host, runs.map((r) => r.video_id), runs.map((r) => r.score_id));
  const perVideo: VideoTiming[] = runs.map((r) => {
    const stages: VideoTiming['stages'] = { upload: r.upload_ms };
    let reportEnd = NaN;
    for (const j of rows) {
      if (j.video_id !== r.video_id && j.score_id !== r.score_id) continue;
      if (!(JOB_STAGES as readonly string[]).includes(j.kind) || j.status !== 'completed') continue;
      stages[j.kind as Stage] = (stages[j.kind as Stage] ?? 0) + ms(j.started_at, j.finished_at);
      if (j.kind === 'report') reportEnd = new Date(j.finished_at as string).getTime();
    }
    const e2e = reportEnd - r.t_start;
    const busy = Object.values(stages).reduce((a, b) => a + (b ?? 0), 0);
    return { video_id: r.video_id, score_id: r.score_id, stages, e2e_ms: e2e, wait_ms: Math.max(0, e2e - busy) };
  });
  const stages: ScenarioResult['stages'] = {};
  const all = perVideo.reduce((a, v) => a + Object.values(v.stages).reduce((x, y) => x + (y ?? 0), 0), 0);
  for (const s of STAGES) {
    const xs = perVideo.map((v) => v.stages[s]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const total = xs.reduce((a, b) => a + b, 0);
    stages[s] = { mean_ms: xs.length ? total / xs.length : NaN, max_ms: xs.length ? Math.max(...xs) : NaN, total_ms: total, share: all ? total / all : NaN };
  }
  const mean = (f: (v: VideoTiming) => number) => perVideo.reduce((a, v) => a + f(v), 0) / Math.max(1, perVideo.length);
  return {
    scenario,
    videos: runs.length,
    video_sec: videoSec,
    wall_ms: wall,
    videos_per_min: runs.length / (wall / 60_000),
    stages,
    mean_e2e_ms: mean((v) => v.e2e_ms),
    mean_wait_ms: mean((v) => v.wait_ms),
    per_video: perVideo,
  };
}

async function child(spec: ChildSpec): Promise<void> {
  const manifest = JSON.parse(await readFile(join(spec.demoDir, 'manifest.json'), 'utf8')) as DemoManifest;
  const host = await startLocalHost({ dataDir: spec.dataDir, port: 0, env: spec.env });
  const client = new SopilotClient({ baseUrl: host.url, token: host.token });
  const cfg = host.ctx.config;
  const result: ConfigResult = {
    config: spec.name,
    database: host.ctx.db.kind === 'pg' ? 'PostgreSQL' : 'PGlite (embedded)',
    store: cfg.STORE_ENDPOINT ? `S3 ${cfg.STORE_ENDPOINT}` : 'folder',
    events: host.ctx.bus.transport,
    embedder: null,
    scenarios: [],
  };
  const poll = { timeoutMs: 900_000, intervalMs: 100, maxIntervalMs: 500 };
  try {
    // 1. The demo: gold + every variant, all submitted at once.
    let t0 = Date.now();
    const runs = await runVariants(client, manifest, spec.demoDir, join(spec.dataDir, 'runs'), { taskId: 'bench', scoreOnly: true, poll });
    const bad = runs.find((r) => !r.result);
    if (bad) throw new Error(`demo variant ${bad.variant}: ${bad.error}`);
    const ok = runs.map((r) => r.result!);
    const goldId = ok[0].gold.video_id;
    const demoRuns = ok.map((r) => ({ video_id: r.trainee.video_id, score_id: r.score.id, upload_ms: r.trainee.upload_ms, t_start: t0 }));
    const traineeSec = Object.entries(manifest.variants).filter(([n]) => n !== 'gold').reduce((a, [, v]) => a + v.duration_sec, 0);
    const demo = await measure(host, 'demo (6 variants)', demoRuns, t0, traineeSec);
    // The gold's own ingest, as its own row (it has no score of its own).
    const goldRows = await stageTimes(host, [goldId], []);
    const goldStages: Record<string, number> = { upload: ok[0].timings_ms.gold_upload };
    for (const j of goldRows) if (j.status === 'completed' && j.kind !== 'ingest') goldStages[j.kind] = ms(j.started_at, j.finished_at);
    (demo as ScenarioResult & { gold: Record<string, number> }).gold = goldStages;
    result.scenarios.push(demo);
    const emb = await host.ctx.db.query<{ embedder: string | null }>('SELECT embedder FROM videos WHERE id = $1', [goldId]);
    result.embedder = emb.rows[0]?.embedder ?? null;

    // 2. N concurrent trainee uploads of the correct performance against the indexed gold.
    const file = join(spec.demoDir, manifest.variants.correct.file);
    for (const n of spec.concurrency) {
      t0 = Date.now();
      const rs = await Promise.all(
        Array.from({ length: n }, async () => {
          const ts = Date.now();
          const acc = await client.upload(file, 'bench', 'trainee');
          const upload_ms = Date.now() - ts;
          await client.waitForJob(acc.job_id, poll);
          await client.waitForIndexed(acc.video_id, poll);
          const { score_job_id } = await client.requestScore(goldId, acc.video_id);
          await client.waitForScore(score_job_id, poll);
          return { video_id: acc.video_id, score_id: score_job_id, upload_ms, t_start: ts };
        }),
      );
      result.scenarios.push(await measure(host, `${n} concurrent`, rs, t0, n * manifest.variants.correct.duration_sec));
      process.stderr.write(`  [${spec.name}] ${n} concurrent done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await host.stop().catch(() => undefined);
  }
  await writeFile(spec.outFile, JSON.stringify(result));
}

// ---- parent: services, children, table ----------------------------------------------------------

function anyFreePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function startS3rver(dir: string): Promise<{ endpoint: string; proc: ChildProcess }> {
  const port = await anyFreePort();
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules/s3rver/bin/s3rver.js');
  const proc = spawn(process.execPath, [bin, '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', 'sopilot'], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await pollUntil('s3rver start', () => fetch(endpoint).then((r) => r.status, () => 0), (s) => s > 0, { timeoutMs: 15_000, intervalMs: 100 });
  return { endpoint, proc };
}

async function runChild(spec: ChildSpec): Promise<ConfigResult> {
  const specFile = `${spec.outFile}.spec.json`;
  await writeFile(specFile, JSON.stringify(spec));
  const code = await new Promise<number>((res) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', specFile], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (c) => res(c ?? 1));
  });
  try {
    return JSON.parse(await readFile(spec.outFile, 'utf8')) as ConfigResult;
  } catch {
    return { config: spec.name, database: '?', store: '?', events: '?', embedder: null, scenarios: [], error: `child exited ${code} without a result` };
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? (x / 1000).toFixed(2) : '-');

export function formatTable(results: ConfigResult[]): string[] {
  const head = ['config', 'scenario', 'videos', 'wall s', 'videos/min', ...STAGES.map((s) => `${s} s`), 'wait s', 'e2e s', 'top stage'];
  const rows: string[][] = [];
  for (const c of results) {
    if (c.error) rows.push([c.config, `ERROR: ${c.error}`, ...head.slice(2).map(() => '')]);
    for (const s of c.scenarios) {
      const top = STAGES.map((k) => [k, s.stages[k]?.share ?? 0] as const).sort((a, b) => b[1] - a[1])[0];
      rows.push([
        c.config,
        s.scenario,
        String(s.videos),
        f1(s.wall_ms),
        s.videos_per_min.toFixed(1),
        ...STAGES.map((k) => f1(s.stages[k]?.mean_ms ?? NaN)),
        f1(s.mean_wait_ms),
        f1(s.mean_e2e_ms),
        `${top[0]} ${(top[1] * 100).toFixed(0)}%`,
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '(stage columns: mean seconds per video; wait = end-to-end minus stage time: queueing + polling)'];
}

async function parent(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1,4,16' },
      services: { type: 'boolean', default: false },
      'no-embedded': { type: 'boolean', default: false },
      'pg-admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      out: { type: 'string', default: 'benchmarks/results/e2e.json' },
    },
  });
  const env = process.env;
  const concurrency = values.concurrency!.split(',').map(Number);
  const work = await mkdtemp(join(tmpdir(), 'sopilot-bench-e2e-'));
  const cleanups: Array<() => Promise<void>> = [async () => rm(work, { recursive: true, force: true })];
  const results: ConfigResult[] = [];
  const t0 = Date.now();
  try {
    const demoDir = join(work, 'demo');
    const { manifest } = await ensureDemo(demoDir, { seed: Number(values.seed), scale: Number(values.scale) });
    // The host's own settings except where the data lives; quiet logs.
    const base: Record<string, string> = { SOPILOT_LOG_LEVEL: 'warn' };
    for (const [k, v] of Object.entries(env)) if (k.startsWith('SOPILOT_') && !k.startsWith('SOPILOT_BENCH_') && v !== undefined) base[k] = v;
    const specs: ChildSpec[] = [];
    if (!values['no-embedded']) {
      const e = { ...base };
      for (const k of ['SOPILOT_DATABASE_URL', 'SOPILOT_REDIS_URL', 'SOPILOT_STORE_ENDPOINT', 'SOPILOT_EVENT_TRANSPORT', 'SOPILOT_EVENT_BROKER_URL']) delete e[k];
      specs.push({ name: 'embedded', env: e, demoDir, dataDir: join(work, 'data-embedded'), concurrency, outFile: join(work, 'embedded.json') });
    }
    let svc: Record<string, string> | null = null;
    if (env.SOPILOT_BENCH_DATABASE_URL || env.SOPILOT_BENCH_REDIS_URL || env.SOPILOT_BENCH_STORE_ENDPOINT) {
      if (!env.SOPILOT_BENCH_DATABASE_URL || !env.SOPILOT_BENCH_REDIS_URL || !env.SOPILOT_BENCH_STORE_ENDPOINT) throw new Error('give all three of SOPILOT_BENCH_DATABASE_URL, SOPILOT_BENCH_REDIS_URL and SOPILOT_BENCH_STORE_ENDPOINT');
      svc = {
        SOPILOT_DATABASE_URL: env.SOPILOT_BENCH_DATABASE_URL,
        SOPILOT_REDIS_URL: env.SOPILOT_BENCH_REDIS_URL,
        SOPILOT_STORE_ENDPOINT: env.SOPILOT_BENCH_STORE_ENDPOINT,
        SOPILOT_STORE_ACCESS_KEY: env.SOPILOT_BENCH_STORE_ACCESS_KEY ?? 'S3RVER',
        SOPILOT_STORE_SECRET_KEY: env.SOPILOT_BENCH_STORE_SECRET_KEY ?? 'S3RVER',
      };
    } else if (values.services) {
      const pg = (await import('pg')).default;
      const db = `sopilot_bench_${Date.now()}`;
      const admin = new pg.Client({ connectionString: values['pg-admin-url'] });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.end();
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: values['pg-admin-url'] });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
        await c.end();
      });
      const s3 = await startS3rver(join(work, 's3rver'));
      cleanups.push(async () => void s3.proc.kill('SIGTERM'));
      const u = new URL(values['pg-admin-url']!);
      u.pathname = `/${db}`;
      svc = { SOPILOT_DATABASE_URL: u.toString(), SOPILOT_REDIS_URL: values['redis-url']!, SOPILOT_STORE_ENDPOINT: s3.endpoint, SOPILOT_STORE_ACCESS_KEY: 'S3RVER', SOPILOT_STORE_SECRET_KEY: 'S3RVER' };
    }
    if (svc) {
      specs.push({
        name: 'pg+redis+s3',
        env: { ...base, ...svc, SOPILOT_EVENT_TRANSPORT: 'bullmq', SOPILOT_QUEUE_PREFIX: `sopilot-bench-${Date.now()}`, SOPILOT_STORE_FORCE_PATH_STYLE: 'true' },
        demoDir,
        dataDir: join(work, 'data-services'),
        concurrency,
        outFile: join(work, 'services.json'),
      });
    }
    for (const spec of specs) {
      process.stderr.write(`running ${spec.name} ...\n`);
      results.push(await runChild(spec));
    }
    const table = formatTable(results);
    for (const l of table) console.log(l);
    const out = {
      when: new Date().toISOString(),
      cpu: cpus()[0]?.model ?? '?',
      cores: cpus().length,
      node: process.version,
      demo: { seed: manifest.seed, scale: manifest.scale, fps: manifest.fps, size: `${manifest.width}x${manifest.height}`, trainee_duration_sec: manifest.variants.correct.duration_sec, gold_duration_sec: manifest.variants.gold.duration_sec },
      total_s: (Date.now() - t0) / 1000,
      results,
      table,
    };
    await mkdir(dirname(values.out!), { recursive: true });
    await writeFile(values.out!, JSON.stringify(out, null, 2) + '\n');
    console.log(`written ${values.out} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return results.some((r) => r.error) ? 1 : 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(JSON.parse(await readFile(argv[1], 'utf8')) as ChildSpec);
  process.exit(0);
} else {
  process.exitCode = await parent(argv);
}

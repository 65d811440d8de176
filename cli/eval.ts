/**
 * sopilot eval (--manifest FILE ... | --demo-dir DIR ...) [--out FILE.json] [--split dev|heldout|all]
 *              [--only ID,...] [--cache-dir DIR] [--data-dir DIR] [--concurrency N] [--no-gate]
 * Runs labelled cases through the real pipeline (an in-process host on the embedded defaults, the
 * same path as an upload: ingest, gold steps, score), prints a table per case and totals per set
 * and split, writes JSON, and exits 1 when a gating set misses a threshold of its manifest.
 * A set whose `requires` paths are absent (the real footage on a machine without it) is skipped
 * with one line. See docs/evaluation.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCommand } from './args.js';
import { runPool } from '../shared/run-pool.js';
import { SopilotClient } from './http-client.js';
import { startLocalHost } from './demo-all.js';
import { parseManifest, type EvalCase, type EvalManifest } from '../shared/evaluation/manifest.js';
import { manifestFromDemo } from '../shared/evaluation/from-demo.js';
import { materialise } from '../shared/evaluation/edits.js';
import { judgeCase, missedThresholds, gatingMisses, runSteps, totalsOf, type CaseResult, type CaseRun, type Totals } from '../shared/evaluation/metrics.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../shared/media/binaries.js';
import { probeVideo } from '../shared/media/probe.js';
import type { DemoManifest } from '../shared/demo/plan.js';

const USAGE =
  'usage: sopilot eval (--manifest FILE ... | --demo-dir DIR ...) [--out FILE.json] [--split dev|heldout|all] [--only ID,...] [--cache-dir DIR] [--data-dir DIR] [--concurrency N] [--no-gate]';

export interface EvalIo {
  out: (line: string) => void;
  err: (line: string) => void;
}
const defaultIo = (): EvalIo => ({ out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) });

export interface LoadedSet {
  manifest: EvalManifest;
  baseDir: string;
  source: string;
}

/** A demo folder holds eval-manifest.json (bench scene) or the demo's manifest.json. */
export async function loadDemoDir(dir: string, split: EvalCase['split']): Promise<LoadedSet> {
  const evalFile = join(dir, 'eval-manifest.json');
  if (existsSync(evalFile)) return { manifest: parseManifest(JSON.parse(await readFile(evalFile, 'utf8'))), baseDir: resolve(dir), source: evalFile };
  const demoFile = join(dir, 'manifest.json');
  if (!existsSync(demoFile)) throw new Error(`${dir} holds neither eval-manifest.json nor manifest.json (run sopilot demo generate first)`);
  return { manifest: manifestFromDemo(JSON.parse(await readFile(demoFile, 'utf8')) as DemoManifest, split), baseDir: resolve(dir), source: demoFile };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);

function caseLine(r: CaseResult): string {
  const devs = r.deviations.map((d) => `${d.severity[0]}:${d.type}${d.gold_step ? `@${d.gold_step.index}` : ''}`).join(' ') || '-';
  const verdict = r.passed === null ? 'ERR ' : r.passed ? 'PASS' : 'FAIL';
  return `  ${r.ok ? 'ok  ' : 'MISS'} ${r.id.padEnd(40)} ${r.split.padEnd(7)} exp ${r.expected.padEnd(4)} ${verdict} ${(r.score ?? 0).toFixed(1).padStart(5)}  ${devs}${r.ok ? '' : `\n        ${r.why}`}`;
}

function totalsLines(name: string, t: Totals): string[] {
  const types = Object.entries(t.per_type)
    .map(([k, v]) => `${k} R ${v.found}/${v.planted} P ${v.right}/${v.reported}`)
    .join('; ');
  const f = t.findings_per_correct_run;
  return [
    `  ${name}: ${t.ok}/${t.cases} cases ok | correct ok ${pct(t.correct_ok_rate)} camera ok ${pct(t.camera_ok_rate)} other-scene ok ${pct(t.other_scene_ok_rate)} | correct pass ${pct(t.correct_pass_rate)} faulty fail ${pct(t.faulty_fail_rate)} | fault recall ${pct(t.fault_recall)}`,
    `    per type (right type on the right step): ${types || '-'}`,
    `    findings per correct run: ${f ? `low ${f.low} medium ${f.medium} high ${f.high} (true over_time ${f.true_over_time})` : '-'} | boundary error ${t.boundary_error_sec ?? '-'} s | ingest ${t.ingest_sec_per_min ?? '-'} s/min, score ${t.score_sec_per_min ?? '-'} s/min${t.errors ? ` | ${t.errors} errors` : ''}`,
  ];
}

interface GoldEntry {
  video_id: string;
  steps: Array<{ name: string; start_sec: number; end_sec: number }>;
}

/** Runs one case over HTTP; errors become a failed case, never a crash of the whole run. */
async function runCase(client: SopilotClient, c: EvalCase, files: { gold: string; trainee: string }, golds: Map<string, Promise<GoldEntry>>): Promise<CaseRun> {
  const poll = { timeoutMs: 15 * 60_000, intervalMs: 200 };
  const key = JSON.stringify([files.gold, c.gold_steps, c.task_id]);
  let g = golds.get(key);
  if (!g) {
    g = (async () => {
      const acc = await client.upload(files.gold, c.task_id ?? 'eval', 'gold');
      await client.waitForJob(acc.job_id, poll);
      await client.waitForIndexed(acc.video_id, poll);
      const steps = Array.isArray(c.gold_steps) ? await client.putGoldSteps(acc.video_id, c.gold_steps) : await client.goldSteps(acc.video_id);
      return { video_id: acc.video_id, steps: steps.steps.map((s) => ({ name: s.name, start_sec: s.start_sec, end_sec: s.end_sec })) };
    })();
    golds.set(key, g);
  }
  const t0 = Date.now();
  try {
    const [gold, acc] = await Promise.all([g, client.upload(files.trainee, c.task_id ?? 'eval', 'trainee')]);
    await client.waitForJob(acc.job_id, poll);
    const video = await client.waitForIndexed(acc.video_id, poll);
    const t1 = Date.now();
    const { score_job_id } = await client.requestScore(gold.video_id, acc.video_id);
    const s = await client.waitForScore(score_job_id, poll);
    const t2 = Date.now();
    const camera = (s as { camera?: { same_scene?: boolean } }).camera;
    return {
      score: s.score,
      passed: s.passed,
      deviations: s.deviations,
      gold_steps: gold.steps,
      same_scene: camera?.same_scene ?? null,
      breakdown: (s as { breakdown?: Record<string, number> }).breakdown,
      steps: s.steps && runSteps(s.steps),
      ingest_sec: (t1 - t0) / 1000,
      score_sec: (t2 - t1) / 1000,
      trainee_duration_sec: Number(video.duration_sec ?? 0),
      score_id: score_job_id,
    };
  } catch (e) {
    return { score: null, passed: null, deviations: [], gold_steps: [], ingest_sec: 0, score_sec: 0, trainee_duration_sec: 0, error: (e as Error).message };
  }
}

export async function main(argv: string[], io: EvalIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      manifest: { type: 'string', multiple: true },
      'demo-dir': { type: 'string', multiple: true },
      out: { type: 'string' },
      split: { type: 'string', default: 'all' },
      'demo-split': { type: 'string', default: 'dev' },
      only: { type: 'string' },
      'cache-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      'no-gate': { type: 'boolean', default: false },
    },
    USAGE,
    io,
    1,
  );
  if ('exit' in parsed) return parsed.exit;
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const manifests = (v.manifest as string[] | undefined) ?? [];
  const demoDirs = (v['demo-dir'] as string[] | undefined) ?? [];
  if (!manifests.length && !demoDirs.length) {
    io.err(`--manifest or --demo-dir is required\n${USAGE}`);
    return 1;
  }
  const split = v.split as string;
  if (!['dev', 'heldout', 'all'].includes(split)) {
    io.err(`--split must be dev, heldout or all, got ${split}`);
    return 1;
  }
  const demoSplit = v['demo-split'] as EvalCase['split'];
  const only = (v.only as string | undefined)?.split(',').map((s) => s.trim()).filter(Boolean);
  const concurrency = Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    io.err(`--concurrency must be a positive integer, got ${v.concurrency}`);
    return 1;
  }

  const sets: LoadedSet[] = [];
  const skipped: Array<{ name: string; why: string }> = [];
  try {
    for (const f of manifests) sets.push({ manifest: parseManifest(JSON.parse(await readFile(f, 'utf8'))), baseDir: dirname(resolve(f)), source: f });
    for (const d of demoDirs) sets.push(await loadDemoDir(d, demoSplit));
  } catch (e) {
    io.err(`eval: ${(e as Error).message}`);
    return 1;
  }
  const runnable = sets.filter((s) => {
    const missing = s.manifest.requires.find((p) => !existsSync(resolve(s.baseDir, p)));
    if (missing) {
      const why = `${resolve(s.baseDir, missing)} is absent`;
      io.out(`skipped set ${s.manifest.name}: ${why}`);
      skipped.push({ name: s.manifest.name, why });
    }
    return !missing;
  });

  const ffmpeg = resolveFfmpegPath(process.env.SOPILOT_FFMPEG_PATH);
  const ffprobe = resolveFfprobePath(process.env.SOPILOT_FFPROBE_PATH);
  const cacheDir = resolve((v['cache-dir'] as string | undefined) ?? join('.sopilot', 'eval-cache'));
  const dataDir = (v['data-dir'] as string | undefined) ?? (await mkdtemp(join(tmpdir(), 'sopilot-eval-')));
  const ownData = !v['data-dir'];
  await mkdir(dataDir, { recursive: true });

  const host = await startLocalHost({ dataDir, port: 0, env: process.env });
  const client = new SopilotClient({ baseUrl: host.url, token: host.token });
  const report: { sets: unknown[]; cases: CaseResult[]; totals: Totals | null; skipped: typeof skipped; missed: string[] } = { sets: [], cases: [], totals: null, skipped, missed: [] };
  let failed = false;
  try {
    for (const s of runnable) {
      const cases = s.manifest.cases.filter((c) => (split === 'all' || c.split === split) && (!only || only.includes(c.id)));
      const gateWords = s.manifest.gating === 'dev' ? ', gating on its development part' : s.manifest.gating ? ', gating' : ', reported only';
      io.out(`\n== ${s.manifest.name} (${s.manifest.kind}${gateWords}): ${cases.length} cases`);
      const m = { ffmpeg, cacheDir, baseDir: s.baseDir, probeDuration: async (f: string) => (await probeVideo(f, { ffprobePath: ffprobe })).duration_sec };
      const files: Array<{ gold: string; trainee: string } | Error> = [];
      for (const [i, c] of cases.entries()) {
        io.err(`  [${i + 1}/${cases.length}] preparing ${c.id}`);
        try {
          files.push({ gold: await materialise(c.gold, m), trainee: await materialise(c.trainee, m) });
        } catch (e) {
          files.push(e as Error);
        }
      }
      const golds = new Map<string, Promise<GoldEntry>>();
      let done = 0;
      const results = await runPool(cases, concurrency, async (c, i) => {
        const f = files[i];
        const run: CaseRun = f instanceof Error
          ? { score: null, passed: null, deviations: [], gold_steps: [], ingest_sec: 0, score_sec: 0, trainee_duration_sec: 0, error: f.message }
          : await runCase(client, c, f, golds);
        const r = judgeCase(c, run);
        io.err(`  [${++done}/${cases.length}] ${c.id}: ${r.ok ? 'ok' : 'MISS'} (${r.passed === null ? 'error' : r.passed ? 'PASS' : 'FAIL'} ${r.score ?? '-'})`);
        return r;
      });
      for (const r of results) io.out(caseLine(r));
      const bySplit: Record<string, Totals> = {};
      for (const sp of ['dev', 'heldout'] as const) {
        const rs = results.filter((r) => r.split === sp);
        if (rs.length) bySplit[sp] = totalsOf(rs);
      }
      const all = totalsOf(results);
      for (const [sp, t] of Object.entries(bySplit)) for (const l of totalsLines(`${s.manifest.name} ${sp}`, t)) io.out(l);
      const missed = missedThresholds(all, s.manifest.thresholds);
      const gated = gatingMisses(s.manifest.gating, all, bySplit, s.manifest.thresholds);
      if (missed.length) io.out(`  thresholds missed${s.manifest.gating === true ? '' : ' (reported only)'}: ${missed.join('; ')}`);
      else io.out('  thresholds: all hold');
      if (s.manifest.gating === 'dev') io.out(`  development part (gating): ${gated.length ? `missed ${gated.join('; ')}` : 'all thresholds hold'}`);
      if (gated.length && !v['no-gate']) {
        failed = true;
        report.missed.push(...gated.map((x) => `${s.manifest.name}: ${x}`));
      }
      report.sets.push({ name: s.manifest.name, kind: s.manifest.kind, gating: s.manifest.gating, source: s.source, thresholds: s.manifest.thresholds, totals: all, by_split: bySplit, missed });
      report.cases.push(...results);
    }
    report.totals = report.cases.length ? totalsOf(report.cases) : null;
    if (report.totals) {
      io.out('\n== all sets');
      for (const l of totalsLines('all', report.totals)) io.out(l);
    }
    if (v.out) {
      await mkdir(dirname(resolve(v.out as string)), { recursive: true });
      await writeFile(v.out as string, JSON.stringify(report, null, 2) + '\n');
      io.out(`written ${v.out}`);
    }
  } finally {
    await host.stop();
    if (ownData) await rm(dataDir, { recursive: true, force: true });
  }
  if (failed) io.err(`eval: thresholds missed: ${report.missed.join('; ')}`);
  return failed ? 1 : 0;
}

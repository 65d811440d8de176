/**
 * sopilot demo run --base-url URL --token T (--gold FILE | --gold-id ID) --trainee FILE --out-dir DIR
 *                  [--task-id ID] [--timeout SEC] [--json]
 * The whole flow over HTTP: upload gold and trainee, wait for ingest, score, wait, fetch the PDF,
 * the audit trail, the queue state and (admin) a signed audit export; saves every artifact in
 * DIR and prints a short summary. The token may also come from SOPILOT_TOKEN (CLI only).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCommand } from './args.js';
import { ApiError, SopilotClient, type GoldStepsView, type PollOptions, type ScoreView, type UploadAccepted, type VideoView } from './http-client.js';
import type { Deviation } from '../shared/scoring/types.js';

export interface DemoIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo = (): DemoIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
});

export const DEFAULT_TASK_ID = 'demo-maintenance';

export interface UploadedVideo extends UploadAccepted {
  video: VideoView;
  /** True when this run found it already uploaded (GoldCache) and did not upload it again. */
  reused: boolean;
  upload_ms: number;
  /** From upload accepted to indexed. */
  ingest_ms: number;
}

/**
 * Remembers gold uploads within one process (one demo/gate run), so several trainee videos are
 * scored against one gold video instead of re-uploading it for each. Concurrent callers share
 * the same in-flight upload.
 */
export class GoldCache {
  private readonly entries = new Map<string, Promise<UploadedVideo>>();

  /**
   * steps: set these gold steps (by time) once the gold video is indexed, before any scoring
   * uses it (release-gate --manifest-steps, a diagnostic that takes step detection out).
   */
  get(client: SopilotClient, file: string, taskId: string, poll?: PollOptions, steps?: Array<{ name: string; start_sec: number; end_sec: number }>): Promise<UploadedVideo> {
    const key = `${client.baseUrl}|${resolve(file)}|${taskId}`;
    const hit = this.entries.get(key);
    if (hit) return hit.then((v) => ({ ...v, reused: true }));
    const p = uploadAndIndex(client, file, taskId, 'gold', poll).then(async (v) => {
      if (steps) await client.putGoldSteps(v.video_id, steps);
      return v;
    });
    this.entries.set(key, p);
    // A failed upload may be retried by a later caller.
    p.catch(() => this.entries.delete(key));
    return p;
  }
}

/** Uploads one file and waits until its ingest job completed and the video is indexed. */
export async function uploadAndIndex(client: SopilotClient, file: string, taskId: string, role: 'gold' | 'trainee', poll?: PollOptions): Promise<UploadedVideo> {
  const t0 = Date.now();
  const acc = await client.upload(file, taskId, role);
  const t1 = Date.now();
  await client.waitForJob(acc.job_id, poll);
  const video = await client.waitForIndexed(acc.video_id, poll);
  return { ...acc, video, reused: false, upload_ms: t1 - t0, ingest_ms: Date.now() - t1 };
}

export interface DemoRunOptions {
  /** Gold video file; or goldVideoId of a gold video already on the server. */
  gold?: string;
  goldVideoId?: string;
  trainee: string;
  outDir: string;
  taskId?: string;
  poll?: PollOptions;
  goldCache?: GoldCache;
  /** Gold steps to set by time after the gold is indexed (diagnostic; default: the detected ones). */
  goldSteps?: Array<{ name: string; start_sec: number; end_sec: number }>;
  /** Skip audit trail, queue state and export (release gate: only the score matters). Default false. */
  scoreOnly?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface DemoRunResult {
  gold: { video_id: string; reused: boolean };
  trainee: UploadedVideo;
  score: ScoreView;
  steps: GoldStepsView | null;
  /** Artifact name -> path written. */
  artifacts: Record<string, string>;
  /** Things skipped or not available, in words. */
  notes: string[];
  timings_ms: { gold_upload: number; gold_ingest: number; trainee_upload: number; trainee_ingest: number; score: number; total: number };
}

async function saveJson(dir: string, name: string, value: unknown, artifacts: Record<string, string>): Promise<void> {
  const p = join(dir, name);
  await writeFile(p, JSON.stringify(value, null, 2) + '\n');
  artifacts[name] = p;
}

/** Runs the full flow for one trainee video; saves artifacts in opts.outDir. */
export async function runDemoFlow(client: SopilotClient, opts: DemoRunOptions): Promise<DemoRunResult> {
  const t0 = Date.now();
  const taskId = opts.taskId ?? DEFAULT_TASK_ID;
  const log = opts.log ?? (() => undefined);
  await mkdir(opts.outDir, { recursive: true });
  const artifacts: Record<string, string> = {};
  const notes: string[] = [];

  if (!opts.gold && !opts.goldVideoId) throw new Error('a gold video file or gold video id is required');
  const goldP: Promise<{ video_id: string; reused: boolean; upload_ms: number; ingest_ms: number }> = opts.goldVideoId
    ? client.waitForIndexed(opts.goldVideoId, opts.poll).then(() => ({ video_id: opts.goldVideoId!, reused: true, upload_ms: 0, ingest_ms: 0 }))
    : (opts.goldCache ?? new GoldCache()).get(client, opts.gold!, taskId, opts.poll, opts.goldSteps);
  const traineeP = uploadAndIndex(client, opts.trainee, taskId, 'trainee', opts.poll);
  const [gold, trainee] = await Promise.all([goldP, traineeP]);
  log(`gold ${gold.video_id}${gold.reused ? ' (already uploaded)' : ''} and trainee ${trainee.video_id} indexed`);

  const ts = Date.now();
  const { score_job_id } = await client.requestScore(gold.video_id, trainee.video_id);
  const score = await client.waitForScore(score_job_id, opts.poll);
  const scoreMs = Date.now() - ts;
  log(`score ${score.id}: ${score.score?.toFixed(1)} ${score.passed ? 'PASS' : 'FAIL'}`);
  await saveJson(opts.outDir, 'score.json', score, artifacts);

  let steps: GoldStepsView | null = null;
  try {
    steps = await client.goldSteps(gold.video_id);
    await saveJson(opts.outDir, 'steps.json', steps, artifacts);
  } catch (e) {
    notes.push(`gold steps not saved: ${(e as Error).message}`);
  }
  await saveJson(opts.outDir, 'videos.json', { gold_video_id: gold.video_id, trainee: trainee.video }, artifacts);

  const pdf = await client.report(score);
  artifacts['report.pdf'] = join(opts.outDir, 'report.pdf');
  await writeFile(artifacts['report.pdf'], pdf);

  if (!opts.scoreOnly) {
    // Admin-only endpoints: a 403 is expected for an operator token and only noted.
    const adminOnly = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        if (e instanceof ApiError && (e.status === 403 || e.status === 401)) notes.push(`${name} skipped: the token is not admin (${e.status})`);
        else notes.push(`${name} not saved: ${(e as Error).message}`);
      }
    };
    await adminOnly('audit-trail.json', async () => saveJson(opts.outDir, 'audit-trail.json', await client.auditTrail({ limit: 200 }), artifacts));
    try {
      await saveJson(opts.outDir, 'queue.json', await client.queue(), artifacts);
    } catch (e) {
      notes.push(`queue.json not saved: ${(e as Error).message}`);
    }
    await adminOnly('export.jws', async () => {
      const created = await client.auditExport({});
      const jws = await client.downloadExport(created);
      artifacts['export.jws'] = join(opts.outDir, 'export.jws');
      await writeFile(artifacts['export.jws'], jws);
    });
  }
  return {
    gold: { video_id: gold.video_id, reused: gold.reused },
    trainee,
    score,
    steps,
    artifacts,
    notes,
    timings_ms: {
      gold_upload: gold.upload_ms,
      gold_ingest: gold.ingest_ms,
      trainee_upload: trainee.upload_ms,
      trainee_ingest: trainee.ingest_ms,
      score: scoreMs,
      total: Date.now() - t0,
    },
  };
}

const sec = (x: number | null | undefined) => (typeof x === 'number' ? `${x.toFixed(1)}` : '?');

/** One line per deviation: severity, type, step(s), time in gold and trainee. */
export function describeDeviation(d: Deviation): string {
  const step = (s: Deviation['gold_step']) => (s ? `step ${s.index} "${s.name}" (gold ${sec(s.start_sec)}-${sec(s.end_sec)} s)` : 'no step');
  const other = d.other_step ? ` <-> ${step(d.other_step)}` : '';
  const trainee = d.trainee ? `trainee ${sec(d.trainee.start_sec)}-${sec(d.trainee.end_sec)} s` : 'not in trainee';
  return `${d.severity.toUpperCase().padEnd(6)} ${d.type.padEnd(14)} ${step(d.gold_step)}${other}; ${trainee}`;
}

/** The short human summary of one run. */
export function summarize(r: DemoRunResult): string[] {
  const s = r.score;
  const lines = [
    `score ${s.score === null ? '?' : s.score.toFixed(1)} / 100  ${s.passed ? 'PASS' : 'FAIL'}   (score ${s.id}, gold ${r.gold.video_id}, trainee ${r.trainee.video_id})`,
    s.deviations.length ? `deviations (${s.deviations.length}):` : 'no deviations',
    ...s.deviations.map((d) => `  ${describeDeviation(d)}`),
    `artifacts: ${Object.values(r.artifacts).join(', ')}`,
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return lines;
}

const USAGE =
  'usage: sopilot demo run --base-url URL --token T (--gold FILE | --gold-id ID) --trainee FILE --out-dir DIR [--task-id ID] [--timeout SEC] [--json]';

/** argv: the arguments after "demo run". Returns the exit code. */
export async function main(argv: string[], io: DemoIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      gold: { type: 'string' },
      'gold-id': { type: 'string' },
      trainee: { type: 'string' },
      'out-dir': { type: 'string' },
      'task-id': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    USAGE,
    io,
    2,
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values;
  const baseUrl = values['base-url'] ?? io.env.SOPILOT_BASE_URL;
  const token = values.token ?? io.env.SOPILOT_TOKEN;
  const missing = [
    !baseUrl && '--base-url',
    !token && '--token (or SOPILOT_TOKEN)',
    !values.gold && !values['gold-id'] && '--gold or --gold-id',
    !values.trainee && '--trainee',
    !values['out-dir'] && '--out-dir',
  ].filter(Boolean);
  if (missing.length) {
    io.err(`missing ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }
  const timeoutSec = values.timeout === undefined ? 600 : Number(values.timeout);
  if (!(timeoutSec > 0)) {
    io.err(`--timeout must be a positive number of seconds\n${USAGE}`);
    return 2;
  }
  const client = new SopilotClient({ baseUrl: baseUrl!, token });
  try {
    const r = await runDemoFlow(client, {
      gold: values.gold,
      goldVideoId: values['gold-id'],
      trainee: values.trainee!,
      outDir: values['out-dir']!,
      taskId: values['task-id'],
      poll: { timeoutMs: timeoutSec * 1000 },
      log: values.json ? undefined : io.err,
    });
    if (values.json) io.out(JSON.stringify({ score: r.score.score, passed: r.score.passed, deviations: r.score.deviations, artifacts: r.artifacts, notes: r.notes, timings_ms: r.timings_ms }, null, 2));
    else for (const l of summarize(r)) io.out(l);
    return 0;
  } catch (e) {
    io.err(`demo run failed: ${(e as Error).message}`);
    return 1;
  }
}

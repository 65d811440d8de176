/**
 * Shared by the fault-injection cases: what "every job completed exactly once and nothing
 * stored was lost" means, checked on the database and the store, and where the figures go.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../../shared/context.js';
import { until } from '../helpers/host.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FAULTS_JSON = path.join(root, 'benchmarks/results/faults.json');

/** Shorter than the default (20 s) to keep the suite quick; recovery scales with it (docs/reliability.md). */
export const FAULT_LEASE_MS = 5000;

/** Every case is bounded: a hang fails the case instead of the CI job. */
export const CASE_TIMEOUT_MS = 90_000;

export interface Upload {
  video_id: string;
  job_id: string;
  file: string;
}

type Q = Pick<Context, 'db' | 'store'>;

async function sha256Of(ctx: Q, key: string): Promise<string> {
  const h = createHash('sha256');
  const r = await ctx.store.get(key);
  for await (const c of r.body) h.update(c as Buffer);
  return h.digest('hex');
}

/** Waits until every given ingest job and score has finished (completed or failed); returns when. */
export async function waitAllDone(ctx: Q, o: { jobs?: string[]; scores?: string[] }, timeoutMs = 60_000): Promise<number> {
  await until(async () => {
    const j = o.jobs?.length ? await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1) AND status IN ('completed', 'failed')", [o.jobs]) : { rows: [{ n: 0 }] };
    const s = o.scores?.length ? await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM scores WHERE id = ANY($1) AND status IN ('completed', 'failed')", [o.scores]) : { rows: [{ n: 0 }] };
    return j.rows[0].n === (o.jobs?.length ?? 0) && s.rows[0].n === (o.scores?.length ?? 0);
  }, timeoutMs, 'every job to finish');
  return Date.now();
}

/** Waits until each score's report has been rendered (the last stage after score.done); returns when. */
export async function waitReports(ctx: Q, scores: string[], timeoutMs = 60_000): Promise<number> {
  await until(async () => {
    const r = await ctx.db.query<{ n: number }>("SELECT count(DISTINCT score_id)::int AS n FROM jobs WHERE kind = 'report' AND status = 'completed' AND score_id = ANY($1)", [scores]);
    return r.rows[0].n === scores.length;
  }, timeoutMs, 'every report');
  return Date.now();
}

/**
 * Every job of these videos and scores completed, and exactly once (one job.completed audit row
 * per job); each video is indexed with its original byte-identical in the store and one
 * embedding row per clip; each score is completed; nothing was dead-lettered.
 */
export async function assertExactlyOnce(ctx: Q, o: { uploads: Upload[]; scores?: string[] }): Promise<{ jobs: number }> {
  const vids = o.uploads.map((u) => u.video_id);
  const jobs = await ctx.db.query<{ id: string; kind: string; status: string; error: string | null }>(
    'SELECT id, kind, status, error FROM jobs WHERE video_id = ANY($1) OR score_id = ANY($2)',
    [vids, o.scores ?? []],
  );
  assert.ok(jobs.rows.length >= vids.length * 3, `expected the ingest, clip-extract and embed jobs, got ${jobs.rows.length}`);
  for (const j of jobs.rows) assert.equal(j.status, 'completed', `${j.kind} job ${j.id}: ${j.status} ${j.error ?? ''}`);
  // A job's status and its audit row are two writes: let the last audit rows land.
  await until(async () => {
    const r = await ctx.db.query<{ n: number }>("SELECT count(DISTINCT target_id)::int AS n FROM audit_log WHERE action = 'job.completed' AND target_id = ANY($1)", [jobs.rows.map((j) => j.id)]);
    return r.rows[0].n === jobs.rows.length;
  }, 5000, 'the audit rows of every completed job').catch(() => undefined);
  const done = await ctx.db.query<{ target_id: string; n: number }>(
    "SELECT target_id, count(*)::int AS n FROM audit_log WHERE action = 'job.completed' AND target_id = ANY($1) GROUP BY target_id",
    [jobs.rows.map((j) => j.id)],
  );
  const times = new Map(done.rows.map((r) => [r.target_id, r.n]));
  for (const j of jobs.rows) assert.equal(times.get(j.id), 1, `${j.kind} job ${j.id} completed ${times.get(j.id) ?? 0} times: ${await jobAudit(ctx, j.id)}`);
  for (const u of o.uploads) {
    const v = (await ctx.db.query<{ status: string; object_key: string; clip_count: number; sha256: string }>('SELECT status, object_key, clip_count, sha256 FROM videos WHERE id = $1', [u.video_id])).rows[0];
    assert.ok(v, `video ${u.video_id} kept`);
    assert.equal(v.status, 'indexed', `video ${u.video_id}`);
    const want = createHash('sha256').update(readFileSync(u.file)).digest('hex');
    assert.equal(v.sha256, want);
    assert.equal(await sha256Of(ctx, v.object_key), want, `original of ${u.video_id} intact in the store`);
    const clips = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clip_embeddings WHERE video_id = $1', [u.video_id]);
    assert.ok(v.clip_count > 0, 'clips planned');
    assert.equal(clips.rows[0].n, v.clip_count, 'one embedding per clip');
  }
  for (const id of o.scores ?? []) {
    const s = (await ctx.db.query<{ status: string; result_hash: string | null }>('SELECT status, result_hash FROM scores WHERE id = $1', [id])).rows[0];
    assert.equal(s.status, 'completed', `score ${id}`);
    assert.ok(s.result_hash);
  }
  const dead = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM rejected_events WHERE reason LIKE 'dead-letter:%'");
  assert.equal(dead.rows[0].n, 0, 'nothing dead-lettered');
  return { jobs: jobs.rows.length };
}

/** Merges one case's figures into benchmarks/results/faults.json and prints them. */
export function recordFault(name: string, figures: Record<string, unknown>): void {
  const prev = existsSync(FAULTS_JSON) ? (JSON.parse(readFileSync(FAULTS_JSON, 'utf8')) as { cases?: Record<string, unknown> }) : {};
  const out = {
    generated_by: 'npm run test:faults (test/faults/)',
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    stage_lease_ms: FAULT_LEASE_MS,
    cases: { ...(prev.cases ?? {}), [name]: { ...figures, at: new Date().toISOString() } },
  };
  mkdirSync(path.dirname(FAULTS_JSON), { recursive: true });
  writeFileSync(FAULTS_JSON, JSON.stringify(out, null, 2) + '\n');
  console.log(`fault ${name}: ${JSON.stringify(figures)}`);
}

/** Polls fast (10 ms) until a stage of one of these kinds is running: the moment to inject the fault. */
export async function untilStageRunning(ctx: Q, kinds: string[], timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = await ctx.db.query<{ kind: string }>("SELECT kind FROM jobs WHERE status = 'running' AND kind = ANY($1) LIMIT 1", [kinds]);
    if (r.rows[0]) return r.rows[0].kind;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`no ${kinds.join('/')} stage ran within ${timeoutMs} ms`);
}

/** For a failed assertion: the audit rows of a job. */
export async function jobAudit(ctx: Q, jobId: string): Promise<string> {
  const r = await ctx.db.query<{ action: string; details: unknown }>('SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY id', [jobId]);
  return JSON.stringify(r.rows);
}

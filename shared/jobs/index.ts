import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { jobDuration, jobsTotal } from '../metrics.js';
import { PermanentError, redactPaths } from '../errors.js';
import { isoTime } from '../db/rows.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  attempts: number;
  idempotency_key: string | null;
  video_id: string | null;
  score_id: string | null;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** db is the connection (or transaction) that made the change: the hook must write through it. */
export type JobTransitionHook = (job: JobRow, from: JobStatus | null, db: Db) => Promise<void>;

/** Runs on each transition (the audit trail hooks in here); set once by the context. */
let transitionHook: JobTransitionHook | null = null;
export function onJobTransition(hook: JobTransitionHook | null): void {
  transitionHook = hook;
}

const iso = isoTime;
function toRow(r: Record<string, unknown>): JobRow {
  return {
    ...(r as unknown as JobRow),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
  };
}

async function notify(db: Db, job: JobRow, from: JobStatus | null): Promise<void> {
  jobsTotal.inc({ kind: job.kind, status: job.status });
  if (transitionHook) await transitionHook(job, from, db);
}

export interface NewJob {
  kind: string;
  input?: Record<string, unknown>;
  videoId?: string;
  scoreId?: string;
  idempotencyKey?: string;
  id?: string;
}

/** Creates a queued job; with an idempotency key an existing job with that key is returned instead. */
export async function createJob(db: Db, j: NewJob): Promise<{ job: JobRow; created: boolean }> {
  const id = j.id ?? `job_${randomUUID()}`;
  const r = await db.query(
    `INSERT INTO jobs (id, kind, status, idempotency_key, video_id, score_id, input)
     VALUES ($1, $2, 'queued', $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
    [id, j.kind, j.idempotencyKey ?? null, j.videoId ?? null, j.scoreId ?? null, JSON.stringify(j.input ?? {})],
  );
  if (r.rows[0]) {
    const job = toRow(r.rows[0]);
    await notify(db, job, null);
    return { job, created: true };
  }
  const existing = await db.query('SELECT * FROM jobs WHERE idempotency_key = $1', [j.idempotencyKey]);
  return { job: toRow(existing.rows[0]), created: false };
}

export async function getJob(db: Db, id: string): Promise<JobRow | null> {
  const r = await db.query('SELECT * FROM jobs WHERE id = $1', [id]);
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

export async function setJobStatus(
  db: Db,
  id: string,
  status: JobStatus,
  patch: { output?: Record<string, unknown>; error?: string | null; countAttempt?: boolean; claim?: { attempt: number; key: string } } = {},
): Promise<JobRow> {
  const prev = await db.query<{ status: JobStatus }>('SELECT status FROM jobs WHERE id = $1', [id]);
  const r = await db.query(
    `UPDATE jobs SET status = $2,
       attempts = attempts + $3,
       output = COALESCE($4::jsonb, output),
       error = $5,
       started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END,
       finished_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE NULL END,
       updated_at = now()
     WHERE id = $1 AND ($6::int IS NULL OR (status = 'running' AND attempts = $6)) RETURNING *`,
    // Job errors are shown to viewers: no server paths in them.
    [id, status, patch.countAttempt ? 1 : 0, patch.output ? JSON.stringify(patch.output) : null, patch.error == null ? null : redactPaths(patch.error), patch.claim?.attempt ?? null],
  );
  if (!r.rows[0] && patch.claim) throw new ClaimLostError(patch.claim.key);
  if (!r.rows[0]) throw new Error(`job ${id} not found`);
  const job = toRow(r.rows[0]);
  await notify(db, job, prev.rows[0]?.status ?? null);
  return job;
}

/** How long a running stage's claim holds without a heartbeat (SOPILOT_STAGE_LEASE_MS, set by the context). */
let defaultLeaseMs = 20_000;
export function setStageLease(ms: number): void {
  defaultLeaseMs = ms;
}
export function stageLeaseMs(): number {
  return defaultLeaseMs;
}

/**
 * Keeps a claim alive while its stage runs: renews updated_at every third of the lease, so a
 * live worker's stage is never taken over and a dead worker's lapses within one lease.
 */
function heartbeat(db: Db, jobId: string, attempt: number, leaseMs: number): () => void {
  const timer = setInterval(() => {
    db.query("UPDATE jobs SET updated_at = now() WHERE id = $1 AND status = 'running' AND attempts = $2", [jobId, attempt]).catch(() => undefined);
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/** A second delivery found the stage running under another worker: retry later. */
export class StageBusyError extends Error {
  constructor(key: string) {
    super(`stage ${key} is running elsewhere; will retry`);
    this.name = 'StageBusyError';
  }
}

/**
 * This run's claim lapsed (it could not renew its lease in time) and another delivery took the
 * stage over: its result is not recorded, the other run's is. Retried later like a busy stage.
 */
export class ClaimLostError extends StageBusyError {
  constructor(key: string) {
    super(key);
    this.name = 'ClaimLostError';
    this.message = `stage ${key} was taken over by another delivery; its result wins`;
  }
}

export interface StageRun<T> {
  ran: boolean;
  output: T;
  job: JobRow;
}

/**
 * Runs a pipeline stage at most once per idempotency key. A duplicate event after completion
 * returns the stored output without running again (the caller re-emits the next event, which is
 * itself idempotent); a duplicate while running is told to retry later; a failed stage may rerun.
 */
export async function runStage<T extends Record<string, unknown>>(
  db: Db,
  spec: { kind: string; key: string; input: Record<string, unknown>; videoId?: string; scoreId?: string; leaseMs?: number },
  fn: (job: JobRow) => Promise<T>,
): Promise<StageRun<T>> {
  const { job } = await createJob(db, {
    kind: spec.kind,
    idempotencyKey: spec.key,
    input: spec.input,
    videoId: spec.videoId,
    scoreId: spec.scoreId,
  });
  if (job.status === 'completed') return { ran: false, output: (job.output ?? {}) as T, job };
  const leaseMs = spec.leaseMs ?? defaultLeaseMs;
  // Claim atomically: only one delivery moves the row to running.
  const claimed = await db.query(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = now(), updated_at = now(), error = NULL, finished_at = NULL
     WHERE id = $1 AND (status IN ('queued', 'failed') OR (status = 'running' AND updated_at < now() - ($2::double precision * interval '1 millisecond')))
     RETURNING *`,
    [job.id, leaseMs],
  );
  if (!claimed.rows[0]) {
    const now = await getJob(db, job.id);
    if (now?.status === 'completed') return { ran: false, output: (now.output ?? {}) as T, job: now };
    throw new StageBusyError(spec.key);
  }
  const running = toRow(claimed.rows[0]);
  await notify(db, running, job.status);
  const t0 = process.hrtime.bigint();
  const stopHeartbeat = heartbeat(db, job.id, running.attempts, leaseMs);
  try {
    const output = await fn(running);
    stopHeartbeat();
    // Recorded only while the claim is still this run's: a stage completes once.
    const done = await setJobStatus(db, job.id, 'completed', { output, claim: { attempt: running.attempts, key: spec.key } });
    jobDuration.observe({ kind: spec.kind, status: 'completed' }, Number(process.hrtime.bigint() - t0) / 1e9);
    return { ran: true, output, job: done };
  } catch (e) {
    stopHeartbeat();
    const msg = e instanceof Error ? e.message : String(e);
    if (!(e instanceof ClaimLostError)) await setJobStatus(db, job.id, 'failed', { error: msg, claim: { attempt: running.attempts, key: spec.key } }).catch(() => undefined);
    jobDuration.observe({ kind: spec.kind, status: 'failed' }, Number(process.hrtime.bigint() - t0) / 1e9);
    throw e;
  }
}

/** Bad input (corrupt video, missing object): retrying will not help. */
export function isPermanent(e: unknown): boolean {
  return e instanceof PermanentError;
}

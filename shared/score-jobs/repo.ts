import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { keysetPage } from '../db/keyset.js';
import { isoTime } from '../db/rows.js';
import { canonicalJson } from '../audit/index.js';
import { breakdownInWords } from '../report/breakdown-words.js';

export type ScoreStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ScoreRow {
  id: string;
  task_id: string | null;
  gold_video_id: string;
  trainee_video_id: string;
  status: ScoreStatus;
  score: number | null;
  passed: boolean | null;
  result: Record<string, unknown> | null;
  alignment: Record<string, unknown> | null;
  timings_ms: Record<string, number>;
  error: string | null;
  result_hash: string | null;
  report_key: string | null;
  video_deleted: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** The task definition version the score used (null: the task had none). */
  task_version: number | null;
  worker_id: string | null;
  station: string | null;
  shift: string | null;
  performed_at: string | null;
  batch_id: string | null;
  review_decision: ReviewDecision | null;
  review_comment: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export type ReviewDecision = 'confirm' | 'override_pass' | 'override_fail';

/** The verdict after review (SQL, on a scores row): an override replaces the automatic one. */
export const FINAL_PASSED_SQL = "(CASE review_decision WHEN 'override_pass' THEN true WHEN 'override_fail' THEN false ELSE passed END)";

export function finalPassed(s: Pick<ScoreRow, 'passed' | 'review_decision'>): boolean | null {
  return s.review_decision === 'override_pass' ? true : s.review_decision === 'override_fail' ? false : s.passed;
}

const iso = isoTime;
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toScore(r: Record<string, unknown>): ScoreRow {
  return {
    ...(r as unknown as ScoreRow),
    result: json(r.result) as ScoreRow['result'],
    alignment: json(r.alignment) as ScoreRow['alignment'],
    timings_ms: (json(r.timings_ms) ?? {}) as Record<string, number>,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    completed_at: iso(r.completed_at),
    performed_at: iso(r.performed_at),
    reviewed_at: iso(r.reviewed_at),
  };
}

export const newScoreId = () => `score_${randomUUID()}`;

export async function createScore(
  db: Db,
  s: {
    id: string;
    taskId: string | null;
    goldVideoId: string;
    traineeVideoId: string;
    createdBy: string;
    taskVersion?: number | null;
    who?: { worker_id: string | null; station: string | null; shift: string | null };
    performedAt?: string | null;
    batchId?: string | null;
  },
): Promise<ScoreRow> {
  const r = await db.query(
    `INSERT INTO scores (id, task_id, gold_video_id, trainee_video_id, status, created_by, task_version, worker_id, station, shift, performed_at, batch_id)
     VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [s.id, s.taskId, s.goldVideoId, s.traineeVideoId, s.createdBy, s.taskVersion ?? null, s.who?.worker_id ?? null, s.who?.station ?? null, s.who?.shift ?? null, s.performedAt ?? null, s.batchId ?? null],
  );
  return toScore(r.rows[0]);
}

export async function getScore(db: Db, id: string): Promise<ScoreRow | null> {
  const r = await db.query('SELECT * FROM scores WHERE id = $1', [id]);
  return r.rows[0] ? toScore(r.rows[0]) : null;
}

export interface ScoreFilter {
  taskId?: string;
  videoId?: string;
  workerId?: string;
  station?: string;
  shift?: string;
  /** The verdict after review. */
  passed?: boolean;
  /** On performed_at (the trainee video's upload), since inclusive, until exclusive. */
  since?: Date | null;
  until?: Date | null;
  deviationType?: string;
  batchId?: string;
  /** Completed, failed by the engine, not reviewed (the review queue). */
  awaitingReview?: boolean;
  /** Only each trainee video's latest completed score (a re-score replaces the older one). */
  currentOnly?: boolean;
}

/** SQL conditions for a score filter, with $n placeholders appended to params. */
export function scoreFilterSql(f: ScoreFilter, params: unknown[]): string[] {
  const where: string[] = [];
  if (f.taskId) where.push(`task_id = $${params.push(f.taskId)}`);
  if (f.videoId) where.push(`(gold_video_id = $${params.push(f.videoId)} OR trainee_video_id = $${params.length})`);
  if (f.workerId) where.push(`worker_id = $${params.push(f.workerId)}`);
  if (f.station) where.push(`station = $${params.push(f.station)}`);
  if (f.shift) where.push(`shift = $${params.push(f.shift)}`);
  if (f.passed !== undefined) where.push(`${FINAL_PASSED_SQL} = $${params.push(f.passed)}`);
  if (f.since) where.push(`coalesce(performed_at, created_at) >= $${params.push(f.since)}`);
  if (f.until) where.push(`coalesce(performed_at, created_at) < $${params.push(f.until)}`);
  if (f.deviationType) where.push(`result->'deviations' @> $${params.push(JSON.stringify([{ type: f.deviationType }]))}::jsonb`);
  if (f.batchId) where.push(`batch_id = $${params.push(f.batchId)}`);
  if (f.awaitingReview) where.push("status = 'completed' AND passed = false AND review_decision IS NULL");
  // Inside the subquery the bare name "scores" is the outer row (the inner one is aliased n).
  if (f.currentOnly) {
    where.push(
      "NOT EXISTS (SELECT 1 FROM scores n WHERE n.trainee_video_id = scores.trainee_video_id AND n.status = 'completed' AND (n.created_at, n.id) > (scores.created_at, scores.id))",
    );
  }
  return where;
}

export async function listScores(db: Db, o: ScoreFilter & { limit: number; cursor?: string }): Promise<{ items: ScoreRow[]; next_cursor: string | null }> {
  const params: unknown[] = [];
  const where = scoreFilterSql(o, params);
  return keysetPage(db, { table: 'scores', where, params, limit: o.limit, cursor: o.cursor, map: toScore });
}

/** The row of a score in lists and CSV: no path or per-step detail. */
export function scoreListItem(s: ScoreRow) {
  const devs = ((s.result?.deviations ?? []) as Array<{ type: string }>).map((d) => d.type);
  return {
    id: s.id,
    status: s.status,
    task_id: s.task_id,
    task_version: s.task_version,
    gold_video_id: s.gold_video_id,
    trainee_video_id: s.trainee_video_id,
    worker_id: s.worker_id,
    station: s.station,
    shift: s.shift,
    score: s.score,
    passed: finalPassed(s),
    engine_passed: s.passed,
    review_decision: s.review_decision,
    reviewed_by: s.reviewed_by,
    deviation_count: devs.length,
    deviation_types: [...new Set(devs)],
    batch_id: s.batch_id,
    performed_at: s.performed_at,
    created_at: s.created_at,
    completed_at: s.completed_at,
    error: s.error,
  };
}

export async function updateScore(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(patch);
  const vals = keys.map((k) => {
    const v = patch[k];
    return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
  });
  await db.query(`UPDATE scores SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [id, ...vals]);
}

/** SHA-256 of the canonical JSON of what a score says: the PDF and the audit trail carry it. */
export function resultHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** Scores waiting for a video to be indexed. */
export async function queuedScoresFor(db: Db, videoId: string): Promise<ScoreRow[]> {
  const r = await db.query("SELECT * FROM scores WHERE status = 'queued' AND (gold_video_id = $1 OR trainee_video_id = $1)", [videoId]);
  return r.rows.map(toScore);
}

/** The public shape of a score (GET /score/:id). */
export function scoreView(s: ScoreRow) {
  const r = (s.result ?? {}) as Record<string, unknown>;
  return {
    id: s.id,
    status: s.status,
    error: s.error,
    task_id: s.task_id,
    gold_video_id: s.gold_video_id,
    trainee_video_id: s.trainee_video_id,
    score: s.score,
    /** The verdict after review; engine_passed is the automatic one (engine + task rules). */
    passed: finalPassed(s),
    engine_passed: s.passed,
    verdict: r.verdict ?? null,
    review: s.review_decision ? { decision: s.review_decision, comment: s.review_comment, reviewed_by: s.reviewed_by, reviewed_at: s.reviewed_at } : null,
    task_version: s.task_version,
    worker_id: s.worker_id,
    station: s.station,
    shift: s.shift,
    performed_at: s.performed_at,
    batch_id: s.batch_id,
    deviations: r.deviations ?? [],
    information: r.information ?? [],
    steps: r.steps ?? [],
    path: r.path ?? [],
    gold_clips: r.gold_clips ?? [],
    trainee_clips: r.trainee_clips ?? [],
    breakdown: r.breakdown ?? {},
    /** The breakdown in sentences, as the PDF prints it. */
    breakdown_text: breakdownInWords(r.breakdown as Record<string, number> | undefined),
    similar_failures: r.similar_failures ?? [],
    camera: r.camera ?? null,
    notice: r.notice ?? null,
    timings_ms: s.timings_ms,
    result_hash: s.result_hash,
    video_deleted: s.video_deleted,
    report_url: s.status === 'completed' ? `/score/${s.id}/report.pdf` : null,
    created_at: s.created_at,
    completed_at: s.completed_at,
  };
}

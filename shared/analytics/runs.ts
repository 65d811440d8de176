import type { Db } from '../db/index.js';
import { isoTime } from '../db/rows.js';
import { FINAL_PASSED_SQL } from '../score-jobs/repo.js';
import type { Deviation, StepRow } from '../scoring/types.js';

/** One run as the analytics read it: the current score of one trainee video. */
export interface Run {
  score_id: string;
  task_id: string;
  trainee_video_id: string;
  worker_id: string | null;
  station: string | null;
  performed_at: string;
  score: number;
  passed: boolean;
  reviewed: boolean;
  steps: StepRow[];
  deviations: Deviation[];
}

/**
 * A trainee video's current score is its latest completed one (a re-score replaces the older
 * result), so a run is counted once however often it was scored.
 */
export async function loadRuns(db: Db, f: { taskId?: string; workerId?: string; since: Date | null; until: Date | null }): Promise<Run[]> {
  const params: unknown[] = [];
  const where = ["status = 'completed'"];
  if (f.taskId) where.push(`task_id = $${params.push(f.taskId)}`);
  if (f.workerId) where.push(`worker_id = $${params.push(f.workerId)}`);
  const r = await db.query(
    `SELECT * FROM (
       SELECT DISTINCT ON (trainee_video_id) id, task_id, trainee_video_id, worker_id, station, coalesce(performed_at, created_at) AS performed_at,
              score, ${FINAL_PASSED_SQL} AS final_passed, review_decision, result->'steps' AS steps, result->'deviations' AS deviations
         FROM scores WHERE ${where.join(' AND ')}
        ORDER BY trainee_video_id, created_at DESC, id DESC) cur
      WHERE ($${params.push(f.since)}::timestamptz IS NULL OR performed_at >= $${params.length})
        AND ($${params.push(f.until)}::timestamptz IS NULL OR performed_at < $${params.length})
      ORDER BY performed_at, id`,
    params,
  );
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) ?? [];
  return r.rows.map((x) => ({
    score_id: x.id,
    task_id: x.task_id,
    trainee_video_id: x.trainee_video_id,
    worker_id: x.worker_id,
    station: x.station,
    performed_at: isoTime(x.performed_at)!,
    score: Number(x.score),
    passed: Boolean(x.final_passed),
    reviewed: x.review_decision !== null,
    steps: json(x.steps),
    deviations: json(x.deviations),
  }));
}

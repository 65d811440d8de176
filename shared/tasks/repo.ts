import type { Db } from '../db/index.js';
import { isoTime } from '../db/rows.js';
import { canonicalJson } from '../audit/index.js';
import { loadSteps } from '../ingest/steps.js';
import { getVideo, type VideoRow } from '../video-repo/repo.js';
import type { TaskDefinition, TaskStepDef } from './definition.js';

export interface TaskRow extends TaskDefinition {
  id: string;
  version: number;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toTask(r: Record<string, unknown>): TaskRow {
  return {
    id: String(r.id),
    version: Number(r.version),
    name: String(r.name),
    description: String(r.description ?? ''),
    gold_video_id: (r.gold_video_id as string | null) ?? null,
    pass_threshold: r.pass_threshold === null || r.pass_threshold === undefined ? null : Number(r.pass_threshold),
    steps: (json(r.steps) ?? []) as TaskStepDef[],
    updated_by: (r.updated_by as string | null) ?? null,
    created_at: isoTime(r.created_at)!,
    updated_at: isoTime(r.updated_at)!,
  };
}

export async function getTask(db: Db, id: string): Promise<TaskRow | null> {
  const r = await db.query('SELECT * FROM tasks WHERE id = $1', [id]);
  return r.rows[0] ? toTask(r.rows[0]) : null;
}

/** The definition a score recorded (scores.task_version). */
export async function getTaskVersion(db: Db, id: string, version: number): Promise<TaskDefinition | null> {
  const r = await db.query<{ definition: unknown }>('SELECT definition FROM task_versions WHERE task_id = $1 AND version = $2', [id, version]);
  return r.rows[0] ? (json(r.rows[0].definition) as TaskDefinition) : null;
}

/**
 * Saves a definition as the task's next version, or keeps the current one when nothing changed
 * (a repeated PUT is idempotent). Run inside a transaction; the row lock orders concurrent saves.
 */
export async function saveTask(tx: Db, id: string, def: TaskDefinition, by: string): Promise<{ task: TaskRow; changed: boolean; previous: TaskRow | null }> {
  const cur = await tx.query('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [id]);
  const previous = cur.rows[0] ? toTask(cur.rows[0]) : null;
  const same = (t: TaskRow) =>
    canonicalJson({ name: t.name, description: t.description, gold_video_id: t.gold_video_id, pass_threshold: t.pass_threshold, steps: t.steps }) === canonicalJson(def);
  if (previous && same(previous)) return { task: previous, changed: false, previous };
  const version = (previous?.version ?? 0) + 1;
  const params = [id, version, def.name, def.description, def.gold_video_id, def.pass_threshold, JSON.stringify(def.steps), by];
  const r = previous
    ? await tx.query(
        'UPDATE tasks SET version = $2, name = $3, description = $4, gold_video_id = $5, pass_threshold = $6, steps = $7, updated_by = $8, updated_at = now() WHERE id = $1 RETURNING *',
        params,
      )
    : await tx.query('INSERT INTO tasks (id, version, name, description, gold_video_id, pass_threshold, steps, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *', params);
  await tx.query('INSERT INTO task_versions (task_id, version, definition, created_by) VALUES ($1, $2, $3, $4)', [id, version, JSON.stringify(def), by]);
  return { task: toTask(r.rows[0]), changed: true, previous };
}

/** The task's gold: the one its definition names, else its latest indexed gold upload. */
export async function currentGold(db: Db, taskId: string, task: TaskRow | null): Promise<{ video: VideoRow | null; source: 'definition' | 'latest_upload' | null }> {
  if (task?.gold_video_id) return { video: await getVideo(db, task.gold_video_id), source: 'definition' };
  const r = await db.query<{ id: string }>(
    "SELECT id FROM videos WHERE task_id = $1 AND role = 'gold' AND status = 'indexed' ORDER BY created_at DESC, id DESC LIMIT 1",
    [taskId],
  );
  return r.rows[0] ? { video: await getVideo(db, r.rows[0].id), source: 'latest_upload' } : { video: null, source: null };
}

export interface TaskSummary {
  id: string;
  videos: number;
  trainee_videos: number;
  scores: number;
  last_activity_at: string | null;
}

/** Every task (or the one named): defined ones and task ids that only uploads name, with counts, most recent first. */
export async function listTaskSummaries(db: Db, only?: string): Promise<TaskSummary[]> {
  const r = await db.query(
    `WITH ids AS (SELECT id FROM (SELECT id FROM tasks UNION SELECT DISTINCT task_id FROM videos WHERE status <> 'deleted') all_ids WHERE $1::text IS NULL OR id = $1),
          v AS (SELECT task_id, count(*)::int AS videos, count(*) FILTER (WHERE role <> 'gold')::int AS trainee_videos, max(created_at) AS last_video FROM videos WHERE status <> 'deleted' GROUP BY task_id),
          s AS (SELECT task_id, count(*)::int AS scores, max(created_at) AS last_score FROM scores GROUP BY task_id)
     SELECT ids.id, coalesce(v.videos, 0) AS videos, coalesce(v.trainee_videos, 0) AS trainee_videos, coalesce(s.scores, 0) AS scores,
            greatest(v.last_video, s.last_score) AS last_activity_at
       FROM ids LEFT JOIN v ON v.task_id = ids.id LEFT JOIN s ON s.task_id = ids.id
      ORDER BY greatest(v.last_video, s.last_score) DESC NULLS LAST, ids.id`,
    [only ?? null],
  );
  return r.rows.map((x) => ({ id: x.id, videos: x.videos, trainee_videos: x.trainee_videos, scores: x.scores, last_activity_at: isoTime(x.last_activity_at) }));
}

export interface TaskStepView extends TaskStepDef {
  gold_start_sec: number | null;
  gold_end_sec: number | null;
}

/**
 * Every gold step with its rules (defaults where the definition says nothing), so an editor
 * shows them all; definition entries for steps the gold no longer has are kept at the end.
 */
export async function stepsView(db: Db, gold: VideoRow | null, defs: TaskStepDef[]): Promise<TaskStepView[]> {
  const goldSteps = gold ? await loadSteps(db, gold.id) : [];
  const byIndex = new Map(defs.map((d) => [d.index, d]));
  const out: TaskStepView[] = goldSteps.map((g) => ({
    index: g.index,
    name: byIndex.get(g.index)?.name ?? g.name,
    optional: byIndex.get(g.index)?.optional ?? false,
    critical: byIndex.get(g.index)?.critical ?? false,
    max_duration_sec: byIndex.get(g.index)?.max_duration_sec ?? null,
    min_duration_sec: byIndex.get(g.index)?.min_duration_sec ?? null,
    order_group: byIndex.get(g.index)?.order_group ?? null,
    gold_start_sec: g.start_sec,
    gold_end_sec: g.end_sec,
  }));
  const known = new Set(goldSteps.map((g) => g.index));
  for (const d of defs) if (!known.has(d.index)) out.push({ ...d, gold_start_sec: null, gold_end_sec: null });
  return out;
}

/**
 * SQL: trainee video `videoId` has a score (queued, running or completed) against gold $goldP
 * under definition version $versionP, requested after that gold's steps last changed: nothing
 * to re-score. Shared by the re-score offer and the task batch so both mean the same runs.
 */
export function upToDateScoreSql(videoId: string, goldP: string, versionP: string): string {
  return `EXISTS (SELECT 1 FROM scores u WHERE u.trainee_video_id = ${videoId} AND u.gold_video_id = ${goldP} AND u.status <> 'failed'
                    AND u.task_version IS NOT DISTINCT FROM ${versionP}
                    AND u.created_at >= coalesce((SELECT max(g.updated_at) FROM gold_steps g WHERE g.video_id = ${goldP}), '-infinity'::timestamptz))`;
}

/** Runs of a task (trainee videos with a completed score) that re-scoring would redo: judged by another version, gold or steps. */
export async function staleRunCount(db: Db, taskId: string, version: number, goldId: string | null): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(DISTINCT s.trainee_video_id)::int AS n FROM scores s
      WHERE s.task_id = $1 AND s.status = 'completed'
        AND EXISTS (SELECT 1 FROM videos v WHERE v.id = s.trainee_video_id AND v.status = 'indexed')
        AND NOT ${upToDateScoreSql('s.trainee_video_id', '$3', '$2::integer')}`,
    [taskId, version, goldId],
  );
  return r.rows[0]?.n ?? 0;
}

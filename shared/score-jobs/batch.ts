import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import type { Db } from '../db/index.js';
import { isoTime } from '../db/rows.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { getVideo, toVideo, type VideoRow } from '../video-repo/repo.js';
import { currentGold, getTask, upToDateScoreSql } from '../tasks/repo.js';
import { createScoreFor, pairProblem } from './request.js';
import { finalPassed } from './repo.js';

export const BATCH_MAX = 500;

export type BatchRequest = { gold_video_id: string; trainee_video_ids: string[] } | { task_id: string; since: Date | null };

interface Selection {
  gold: VideoRow;
  taskId: string;
  trainees: VideoRow[];
  skipped: Array<{ trainee_video_id: string; reason: string }>;
  leftOut: number;
}

async function byIds(ctx: Context, goldId: string, ids: string[]): Promise<Selection> {
  const gold = await getVideo(ctx.db, goldId);
  if (!gold) throw notFound(`gold video ${goldId}`);
  if (gold.role !== 'gold') throw badRequest(`video ${gold.id} is a ${gold.role} video, not a gold video`);
  const trainees: VideoRow[] = [];
  const skipped: Selection['skipped'] = [];
  for (const id of [...new Set(ids)]) {
    const t = await getVideo(ctx.db, id);
    const problem = t ? pairProblem(gold, t) : 'not found';
    if (problem || !t) skipped.push({ trainee_video_id: id, reason: problem ?? 'not found' });
    else trainees.push(t);
  }
  return { gold, taskId: gold.task_id, trainees, skipped, leftOut: 0 };
}

/**
 * The task's trainee videos (since a time) not yet scored against its current gold under its
 * current definition: new trainees, and every run when the gold or the definition changed.
 * Repeating the request picks up only what is still left.
 */
async function byTask(ctx: Context, taskId: string, since: Date | null): Promise<Selection> {
  const task = await getTask(ctx.db, taskId);
  const { video: gold } = await currentGold(ctx.db, taskId, task);
  if (!gold) throw new AppError(409, 'conflict', `task ${taskId} has no indexed gold video to score against`);
  const r = await ctx.db.query(
    `SELECT * FROM videos v
      WHERE v.task_id = $1 AND v.role <> 'gold' AND v.status NOT IN ('failed', 'deleted')
        AND ($2::timestamptz IS NULL OR v.created_at >= $2)
        AND NOT ${upToDateScoreSql('v.id', '$3', '$4::integer')}
      ORDER BY v.created_at, v.id`,
    [taskId, since, gold.id, task?.version ?? null],
  );
  const all = r.rows.map(toVideo);
  return { gold, taskId, trainees: all.slice(0, BATCH_MAX), skipped: [], leftOut: Math.max(0, all.length - BATCH_MAX) };
}

/** Creates a batch and its queued scores in one transaction; returns the batch id and how many were left for a next request. */
export async function createBatch(
  ctx: Context,
  req: BatchRequest,
  by: string,
  audit: (tx: Db, details: Record<string, unknown>, batchId: string) => Promise<void>,
): Promise<{ id: string; scoreIds: string[]; leftOut: number }> {
  const sel = 'task_id' in req ? await byTask(ctx, req.task_id, req.since) : await byIds(ctx, req.gold_video_id, req.trainee_video_ids);
  const id = `batch_${randomUUID()}`;
  const scoreIds = await ctx.db.transaction(async (tx) => {
    await tx.query('INSERT INTO score_batches (id, task_id, gold_video_id, skipped, created_by) VALUES ($1, $2, $3, $4, $5)', [id, sel.taskId, sel.gold.id, JSON.stringify(sel.skipped), by]);
    const ids: string[] = [];
    for (const t of sel.trainees) ids.push(await createScoreFor(tx, { gold: sel.gold, trainee: t, createdBy: by, batchId: id }));
    await audit(tx, { task_id: sel.taskId, gold_video_id: sel.gold.id, scores: ids.length, skipped: sel.skipped.length, left_out: sel.leftOut }, id);
    return ids;
  });
  return { id, scoreIds, leftOut: sel.leftOut };
}

/** A batch with its progress, read from its scores. */
export async function batchView(db: Db, id: string) {
  const b = await db.query('SELECT * FROM score_batches WHERE id = $1', [id]);
  const row = b.rows[0];
  if (!row) return null;
  const s = await db.query('SELECT id, trainee_video_id, worker_id, status, score, passed, review_decision FROM scores WHERE batch_id = $1 ORDER BY created_at, id', [id]);
  const count = (st: string) => s.rows.filter((x) => x.status === st).length;
  const items = s.rows.map((x) => ({ score_id: x.id, trainee_video_id: x.trainee_video_id, worker_id: x.worker_id, status: x.status, score: x.score, passed: finalPassed(x) }));
  const done = count('completed') + count('failed');
  return {
    id: row.id as string,
    task_id: row.task_id as string | null,
    gold_video_id: row.gold_video_id as string,
    created_by: row.created_by as string | null,
    created_at: isoTime(row.created_at)!,
    total: items.length,
    queued: count('queued'),
    running: count('running'),
    completed: count('completed'),
    failed: count('failed'),
    passed: items.filter((x) => x.status === 'completed' && x.passed === true).length,
    done: done === items.length,
    progress: items.length ? Math.round((done / items.length) * 1000) / 1000 : 1,
    items,
    skipped: (typeof row.skipped === 'string' ? JSON.parse(row.skipped) : row.skipped) as Array<{ trainee_video_id: string; reason: string }>,
  };
}

import type { Db } from '../db/index.js';
import type { VideoRow } from '../video-repo/repo.js';
import { createScore, newScoreId } from './repo.js';

/** Why this gold/trainee pair cannot be scored, or null when it can. */
export function pairProblem(gold: VideoRow, trainee: VideoRow): string | null {
  if (gold.role !== 'gold') return `video ${gold.id} is a ${gold.role} video, not a gold video`;
  if (gold.id === trainee.id) return 'gold and trainee must be different videos';
  if (gold.task_id !== trainee.task_id) return `gold video ${gold.id} is of task ${gold.task_id}, trainee video ${trainee.id} of task ${trainee.task_id}`;
  for (const v of [gold, trainee]) if (v.status === 'failed') return `video ${v.id} failed to ingest: ${v.error}`;
  return null;
}

/**
 * A queued score of trainee against gold, recording the task's current definition version (the
 * score stage applies that version's rules) and the trainee's who/where.
 */
export async function createScoreFor(db: Db, o: { gold: VideoRow; trainee: VideoRow; createdBy: string; batchId?: string | null }): Promise<string> {
  const id = newScoreId();
  const t = await db.query<{ version: number }>('SELECT version FROM tasks WHERE id = $1', [o.gold.task_id]);
  await createScore(db, {
    id,
    taskId: o.gold.task_id,
    goldVideoId: o.gold.id,
    traineeVideoId: o.trainee.id,
    createdBy: o.createdBy,
    taskVersion: t.rows[0]?.version ?? null,
    who: { worker_id: o.trainee.worker_id, station: o.trainee.station, shift: o.trainee.shift },
    performedAt: o.trainee.created_at,
    batchId: o.batchId ?? null,
  });
  return id;
}

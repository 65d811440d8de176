import type { Context } from '../context.js';
import { makeEvent } from '../events/envelope.js';
import { EventType } from '../events/types.js';
import { emitUploaded } from '../video-repo/register.js';
import type { VideoRole } from '../video-repo/repo.js';

/**
 * The in-process queue lives in memory: work that was queued or running when the host stopped
 * is gone with it. At start-up, re-emit the first event of every unfinished ingest and score;
 * every stage is idempotent, so finished stages return their stored output and the rest run
 * (a stage still claimed by the stopped process is taken over once its lease lapses).
 * Returns what was resumed.
 */
export async function resumeInterrupted(ctx: Context): Promise<{ videos: number; scores: number }> {
  const tag = `resume-${Date.now()}`;
  const videos = await ctx.db.query<{ id: string; task_id: string; role: VideoRole; object_key: string; job_id: string }>(
    `SELECT v.id, v.task_id, v.role, v.object_key, j.id AS job_id FROM videos v
       JOIN jobs j ON j.idempotency_key = 'ingest:' || v.id
      WHERE v.status IN ('uploaded', 'processing') AND j.status IN ('queued', 'running')
      ORDER BY v.created_at`,
  );
  for (const v of videos.rows) await emitUploaded(ctx, v.id, v.job_id, v.task_id, v.role, v.object_key, tag);
  const scores = await ctx.db.query<{ id: string }>(
    `SELECT s.id FROM scores s
       JOIN videos g ON g.id = s.gold_video_id AND g.status = 'indexed'
       JOIN videos t ON t.id = s.trainee_video_id AND t.status = 'indexed'
      WHERE s.status IN ('queued', 'running') ORDER BY s.created_at`,
  );
  for (const s of scores.rows) {
    await ctx.bus.publish(makeEvent(EventType.scoreRequested, { score_id: s.id }, { id: `score-requested-${s.id}-${tag}`, source: '/sopilot/resume', subject: s.id }));
  }
  if (videos.rows.length || scores.rows.length) ctx.log.info({ videos: videos.rows.length, scores: scores.rows.length }, 'resumed work interrupted by the last stop');
  return { videos: videos.rows.length, scores: scores.rows.length };
}

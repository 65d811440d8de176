import type { Context } from '../context.js';
import { makeEvent } from '../events/envelope.js';
import { EventType } from '../events/types.js';
import { getVideo } from '../video-repo/repo.js';
import { getScore } from './repo.js';

/** Emits score.requested once both videos are indexed; until then the score waits (video.indexed resumes it). */
export async function requestScoring(ctx: Context, scoreId: string): Promise<boolean> {
  const s = await getScore(ctx.db, scoreId);
  if (!s || s.status !== 'queued') return false;
  const [g, t] = await Promise.all([getVideo(ctx.db, s.gold_video_id), getVideo(ctx.db, s.trainee_video_id)]);
  if (g?.status !== 'indexed' || t?.status !== 'indexed') return false;
  await ctx.bus.publish(makeEvent(EventType.scoreRequested, { score_id: scoreId }, { id: `score-requested-${scoreId}`, source: '/sopilot/score', subject: scoreId }));
  return true;
}

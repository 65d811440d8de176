import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { runStage, isPermanent } from '../../shared/jobs/index.js';
import { getScore, queuedScoresFor, updateScore } from '../../shared/scores/repo.js';
import { alignVideos, loadScoreInputs } from '../../shared/scores/compute.js';
import { requestScoring } from '../../shared/scores/pipeline.js';

/** score.requested: compute the global path and store it with the score; then alignment.done. */
export async function handleScoreRequested(event: SopilotEvent<EventData<typeof EventType.scoreRequested>>, ctx: Context): Promise<void> {
  const id = event.data.score_id;
  const s = await getScore(ctx.db, id);
  if (!s) {
    ctx.log.warn({ score_id: id }, 'score.requested for an unknown score; ignored');
    return;
  }
  if (s.status === 'completed' || s.status === 'failed') return;
  try {
    await runStage(ctx.db, { kind: 'align', key: `align:${id}`, input: { score_id: id }, scoreId: id }, async () => {
      await updateScore(ctx.db, id, { status: 'running' });
      const inputs = await loadScoreInputs(ctx, s);
      const a = alignVideos(ctx, inputs);
      await updateScore(ctx.db, id, { alignment: a, timings_ms: { ...s.timings_ms, align: Math.round(a.ms * 100) / 100 } });
      return { n: a.n, m: a.m, backend: a.backend, ms: a.ms };
    });
  } catch (e) {
    if (isPermanent(e)) {
      await updateScore(ctx.db, id, { status: 'failed', error: (e as Error).message });
      return;
    }
    throw e;
  }
  await ctx.bus.publish(makeEvent(EventType.alignmentDone, { score_id: id }, { id: `alignment-done-${id}`, source: '/sopilot/align', subject: id }));
}

/** video.indexed: start the scores that were waiting for this video. */
export async function handleVideoIndexed(event: SopilotEvent<EventData<typeof EventType.videoIndexed>>, ctx: Context): Promise<void> {
  for (const s of await queuedScoresFor(ctx.db, event.data.video_id)) await requestScoring(ctx, s.id);
}

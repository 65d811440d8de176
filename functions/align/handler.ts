import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { runStage, isPermanent } from '../../shared/jobs/index.js';
import { getScore, queuedScoresFor, updateScore } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs } from '../../shared/score-jobs/compute.js';
import { requestScoring } from '../../shared/score-jobs/pipeline.js';

const clipTimes = (t: { start_sec: Float64Array; end_sec: Float64Array }) =>
  Array.from(t.start_sec, (s, i) => ({ start_sec: Math.round(s * 1000) / 1000, end_sec: Math.round(t.end_sec[i] * 1000) / 1000 }));

/** score.requested: the alignment (global path + each step's matches) stored with the score; then alignment.done. */
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
      const t0 = performance.now();
      const inputs = await loadScoreInputs(ctx, s);
      try {
        const load = performance.now() - t0;
        const a = await alignVideos(ctx, s, inputs);
        const r2 = (x: number) => Math.round(x * 100) / 100;
        await updateScore(ctx.db, id, {
          alignment: { ...a, gold_clips: clipTimes(inputs.gold.times), trainee_clips: clipTimes(inputs.trainee.times) },
          timings_ms: { ...s.timings_ms, load_embeddings: r2(load), align: r2(a.ms) },
        });
        return { n: a.n, m: a.m, backend: a.backend, ms: a.ms };
      } finally {
        // Nothing reads the trainee's vectors after this: their memory serves the next job.
        releaseScoreInputs(inputs);
      }
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

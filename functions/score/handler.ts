import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { runStage, isPermanent } from '../../shared/jobs/index.js';
import { getScore, resultHash, updateScore } from '../../shared/score-jobs/repo.js';
import { scoreVideos, scoringOptions } from '../../shared/score-jobs/compute.js';
import { applyTaskRules } from '../../shared/scoring/task-rules.js';
import { taskRulesFor } from '../../shared/tasks/rules-for-score.js';
import { loadVideoEmbeddings } from '../../shared/embeddings/repo.js';
import { getVideo } from '../../shared/video-repo/repo.js';
import type { ScoreOutcome } from '../../shared/scoring/types.js';
import { appendAudit } from '../../shared/audit/index.js';

/** alignment.done: deviations + 0-100 score; the result's hash goes into the audit trail; then score.done. */
export async function handleAlignmentDone(event: SopilotEvent<EventData<typeof EventType.alignmentDone>>, ctx: Context): Promise<void> {
  const id = event.data.score_id;
  const s = await getScore(ctx.db, id);
  if (!s) {
    ctx.log.warn({ score_id: id }, 'alignment.done for an unknown score; ignored');
    return;
  }
  try {
    await runStage(ctx.db, { kind: 'score', key: `score:${id}`, input: { score_id: id }, scoreId: id }, async () => {
      const t0 = performance.now();
      const a = s.alignment as { outcome?: ScoreOutcome; gold_clips?: unknown[]; trainee_clips?: unknown[] } | null;
      if (!a?.outcome) throw new Error(`score ${id} has no alignment yet`);
      // The task's SOP definition over the engine's outcome (optional/critical steps, order groups, durations).
      const outcome = applyTaskRules(a.outcome, await taskRulesFor(ctx, s), scoringOptions(ctx));
      // Similar past failures compare footage only when a deviation has trainee footage.
      const needsVectors = outcome.deviations.some((d) => d.trainee);
      const tv = needsVectors ? await getVideo(ctx.db, s.trainee_video_id) : null;
      const trainee = tv ? await loadVideoEmbeddings(ctx.db, ctx.store, tv) : null;
      const similar = await scoreVideos(ctx, s, outcome, trainee);
      const ms = performance.now() - t0;
      const result = { ...outcome, gold_clips: a.gold_clips ?? [], trainee_clips: a.trainee_clips ?? [], similar_failures: similar };
      const hash = resultHash({ id, gold_video_id: s.gold_video_id, trainee_video_id: s.trainee_video_id, score: outcome.score, passed: outcome.passed, deviations: outcome.deviations, steps: outcome.steps });
      const timings = { ...s.timings_ms, score: Math.round(ms * 100) / 100 };
      await ctx.db.transaction(async (tx) => {
        await tx.query(
          `UPDATE scores SET status = 'completed', score = $2, passed = $3, result = $4, result_hash = $5, timings_ms = $6, error = NULL, completed_at = now(), updated_at = now() WHERE id = $1`,
          [id, outcome.score, outcome.passed, JSON.stringify(result), hash, JSON.stringify(timings)],
        );
        await appendAudit(tx, {
          subject: 'system',
          role: null,
          action: 'score.completed',
          target_type: 'score',
          target_id: id,
          outcome: 'ok',
          details: { result_hash: hash, score: outcome.score, passed: outcome.passed, engine_passed: outcome.engine.passed, task_version: s.task_version, deviations: outcome.deviations.length, gold_video_id: s.gold_video_id, trainee_video_id: s.trainee_video_id },
        });
      });
      return { score: outcome.score, passed: outcome.passed, result_hash: hash };
    });
  } catch (e) {
    if (isPermanent(e)) {
      await updateScore(ctx.db, id, { status: 'failed', error: (e as Error).message });
      return;
    }
    throw e;
  }
  const done = await getScore(ctx.db, id);
  await ctx.bus.publish(
    makeEvent(EventType.scoreDone, { score_id: id, score: done?.score ?? null, passed: done?.passed ?? null }, { id: `score-done-${id}`, source: '/sopilot/score', subject: id }),
  );
}

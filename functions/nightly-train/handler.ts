import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { runStage } from '../../shared/jobs/index.js';
import { loadVideoEmbeddings } from '../../shared/embeddings/repo.js';
import { fitAdapter } from '../../shared/training/adapter.js';
import { adapterKey } from '../../shared/training/index-versions.js';
import { appendAudit } from '../../shared/audit/index.js';
import { fitGoldStepModel } from '../../shared/training/step-models.js';
import { loadSteps } from '../../shared/ingest/steps.js';
import { scoringOptions } from '../../shared/score-jobs/compute.js';
import { stepFitParams } from '../../shared/scoring/step-tolerances.js';

/**
 * Fits each task's adapter on its indexed videos of the current embedder, writes it as a new
 * index version, and swaps the task's pointer to it in one transaction (readers see the old or
 * the new version, never a mix). One run per task and day (idempotency key). Then each of the
 * task's golds gets its step model refitted from its accepted runs (fitStepModels).
 */
export async function handleNightlyTick(event: SopilotEvent<EventData<typeof EventType.nightlyTick>>, ctx: Context): Promise<void> {
  const day = (event.data.at ?? event.time ?? new Date().toISOString()).slice(0, 10);
  const tasks = event.data.task_id
    ? [event.data.task_id]
    : (await ctx.db.query<{ task_id: string }>("SELECT DISTINCT task_id FROM videos WHERE status = 'indexed' ORDER BY task_id")).rows.map((r) => r.task_id);
  for (const taskId of tasks) {
    await runStage(ctx.db, { kind: 'train', key: `train:${taskId}:${day}:${event.id}`, input: { task_id: taskId, day } }, async () => {
      const latest = await ctx.db.query<{ embedder: string }>("SELECT embedder FROM videos WHERE task_id = $1 AND status = 'indexed' ORDER BY updated_at DESC LIMIT 1", [taskId]);
      const embedder = latest.rows[0]?.embedder;
      if (!embedder) return { task_id: taskId, skipped: 'no indexed videos' };
      const vids = await ctx.db.query<{ id: string; embedder: string; clip_count: number }>("SELECT id, embedder, clip_count FROM videos WHERE task_id = $1 AND status = 'indexed' AND embedder = $2", [taskId, embedder]);
      const mats = [];
      for (const v of vids.rows) mats.push((await loadVideoEmbeddings(ctx.db, ctx.store, v)).matrix);
      const adapter = fitAdapter(embedder, mats.filter((m) => m.rows > 0));
      const next = await ctx.db.query<{ v: number }>('SELECT COALESCE(max(version), 0) + 1 AS v FROM index_versions WHERE task_id = $1', [taskId]);
      const version = next.rows[0].v;
      const key = adapterKey(taskId, version);
      await ctx.store.put(key, JSON.stringify(adapter), { contentType: 'application/json' });
      await ctx.db.transaction(async (tx) => {
        await tx.query('INSERT INTO index_versions (task_id, version, embedder, dim, adapter_key, metrics) VALUES ($1, $2, $3, $4, $5, $6)', [
          taskId, version, embedder, adapter.dim, key, JSON.stringify({ videos: adapter.videos, clips: adapter.clips }),
        ]);
        await tx.query(
          'INSERT INTO index_pointers (task_id, version) VALUES ($1, $2) ON CONFLICT (task_id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()',
          [taskId, version],
        );
        await appendAudit(tx, { subject: event.data.requested_by ?? 'system', role: null, action: 'index.swap', target_type: 'task', target_id: taskId, outcome: 'ok', details: { version, embedder, videos: adapter.videos, clips: adapter.clips } });
      });
      ctx.log.info({ task_id: taskId, version, videos: adapter.videos }, 'task index version swapped');
      return { task_id: taskId, version, videos: adapter.videos, clips: adapter.clips };
    });
    await fitStepModels(ctx, taskId, day, event);
  }
}

/**
 * Per-step tolerances of each gold of the task (an indexed video with steps) from its accepted
 * runs: a new step model version only when the fit changed (shared/training/step-models.ts), one
 * stage per gold and event (a redelivered event returns the stored output).
 */
async function fitStepModels(ctx: Context, taskId: string, day: string, event: SopilotEvent<EventData<typeof EventType.nightlyTick>>): Promise<void> {
  const golds = await ctx.db.query<{ id: string }>(
    "SELECT v.id FROM videos v WHERE v.task_id = $1 AND v.status = 'indexed' AND EXISTS (SELECT 1 FROM gold_steps s WHERE s.video_id = v.id) ORDER BY v.id",
    [taskId],
  );
  const params = stepFitParams(scoringOptions(ctx));
  for (const { id } of golds.rows) {
    await runStage(ctx.db, { kind: 'step_model', key: `step-model:${id}:${day}:${event.id}`, input: { task_id: taskId, gold_video_id: id, day }, videoId: id }, async () => {
      const r = await fitGoldStepModel(ctx.db, { id, task_id: taskId, steps: await loadSteps(ctx.db, id) }, params, event.data.requested_by ?? 'system');
      if ('version' in r && r.created) ctx.log.info({ task_id: taskId, gold_video_id: id, ...r }, 'step model version stored');
      return { gold_video_id: id, ...r };
    });
  }
}

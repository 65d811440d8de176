import type { Request, Response } from 'express';
import type { z } from 'zod';
import { getContext } from '../../shared/context.js';
import type { Context } from '../../shared/context.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { auditRequest } from '../../shared/security.js';
import { getVideo } from '../../shared/video-repo/repo.js';
import { loadSteps } from '../../shared/ingest/steps.js';
import { TaskId } from '../../shared/tasks/definition.js';
import { currentGold, getTask, listTaskSummaries, saveTask, staleRunCount, stepsView, type TaskRow, type TaskSummary } from '../../shared/tasks/repo.js';
import type { PutTask } from './schema.js';

function taskIdParam(req: Request): string {
  const r = TaskId.safeParse(String(req.params.id));
  if (!r.success) throw badRequest(`task id: ${r.error.issues[0]?.message}`);
  return r.data;
}

const emptySummary = (id: string): TaskSummary => ({ id, videos: 0, trainee_videos: 0, scores: 0, last_activity_at: null });

/** A task as the API shows it: its definition (or defaults when it has none), its current gold, counts. */
async function taskView(ctx: Context, id: string, task: TaskRow | null, summary: TaskSummary) {
  const gold = await currentGold(ctx.db, id, task);
  const steps = await stepsView(ctx.db, gold.video, task?.steps ?? []);
  return {
    id,
    name: task?.name ?? id,
    description: task?.description ?? '',
    defined: task !== null,
    version: task?.version ?? 0,
    gold_video_id: gold.video?.id ?? null,
    gold_source: gold.video ? gold.source : null,
    gold: gold.video ? { id: gold.video.id, original_name: gold.video.original_name, status: gold.video.status, created_at: gold.video.created_at } : null,
    pass_threshold: task?.pass_threshold ?? null,
    effective_pass_threshold: task?.pass_threshold ?? ctx.config.SCORE_PASS_THRESHOLD,
    steps,
    videos: summary.videos,
    trainee_videos: summary.trainee_videos,
    scores: summary.scores,
    last_activity_at: summary.last_activity_at,
    updated_by: task?.updated_by ?? null,
    updated_at: task?.updated_at ?? null,
  };
}

export async function list(_req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const items = [];
  for (const s of await listTaskSummaries(ctx.db)) {
    const { steps, ...rest } = await taskView(ctx, s.id, await getTask(ctx.db, s.id), s);
    items.push({ ...rest, step_count: steps.length });
  }
  res.json({ items });
}

async function summaryOf(ctx: Context, id: string): Promise<TaskSummary | null> {
  return (await listTaskSummaries(ctx.db, id))[0] ?? null;
}

/** Re-scoring is offered while runs were judged by another definition version, gold or gold steps. */
async function rescoreOffer(ctx: Context, id: string, version: number, goldId: string | null) {
  if (!goldId) return null;
  const runs = await staleRunCount(ctx.db, id, version, goldId);
  return runs > 0 ? { runs, method: 'POST' as const, path: '/score/batch' as const, body: { task_id: id } } : null;
}

export async function get(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const id = taskIdParam(req);
  const [task, summary] = await Promise.all([getTask(ctx.db, id), summaryOf(ctx, id)]);
  if (!task && !summary) throw notFound(`task ${id}`);
  const view = await taskView(ctx, id, task, summary ?? emptySummary(id));
  res.json({ ...view, rescore_offer: await rescoreOffer(ctx, id, view.version, view.gold_video_id) });
}

/** Checks the definition against its gold: a gold video of this task, whose steps the indexes name. */
async function checkDefinition(ctx: Context, id: string, def: z.output<typeof PutTask>): Promise<void> {
  if (def.steps.length && !def.gold_video_id) throw badRequest('steps refer to a gold video\'s steps: give gold_video_id with them');
  if (!def.gold_video_id) return;
  const gold = await getVideo(ctx.db, def.gold_video_id);
  if (!gold) throw notFound(`gold video ${def.gold_video_id}`);
  if (gold.role !== 'gold') throw badRequest(`video ${gold.id} is a ${gold.role} video, not a gold video`);
  if (gold.task_id !== id) throw badRequest(`video ${gold.id} belongs to task ${gold.task_id}, not ${id}`);
  if (gold.status === 'failed') throw new AppError(409, 'conflict', `gold video ${gold.id} failed to ingest: ${gold.error}`);
  if (!def.steps.length) return;
  const steps = await loadSteps(ctx.db, gold.id);
  if (!steps.length) throw new AppError(409, 'not_ready', `gold video ${gold.id} has no steps yet (it is ${gold.status})`);
  const unknown = def.steps.filter((s) => !steps.some((g) => g.index === s.index)).map((s) => s.index);
  if (unknown.length) throw badRequest(`gold video ${gold.id} has steps 0..${steps.length - 1}; no step ${unknown.join(', ')}`);
}

export async function put(req: Request, res: Response, def: z.output<typeof PutTask>): Promise<void> {
  const ctx = await getContext();
  const id = taskIdParam(req);
  await checkDefinition(ctx, id, def);
  const by = req.principal?.subject ?? 'anonymous';
  const saved = await ctx.db.transaction(async (tx) => {
    const r = await saveTask(tx, id, def, by);
    if (r.changed) {
      await auditRequest(tx, req, {
        action: 'task.update',
        target_type: 'task',
        target_id: id,
        outcome: 'ok',
        details: { version: r.task.version, previous_version: r.previous?.version ?? null, gold_video_id: def.gold_video_id, gold_changed: (r.previous?.gold_video_id ?? null) !== def.gold_video_id, steps: def.steps.length },
      });
    }
    return r;
  });
  const view = await taskView(ctx, id, saved.task, (await summaryOf(ctx, id)) ?? emptySummary(id));
  // Changing the gold or the definition offers re-scoring the runs judged by an older one.
  res.json({ ...view, changed: saved.changed, rescore_offer: await rescoreOffer(ctx, id, saved.task.version, view.gold_video_id) });
}

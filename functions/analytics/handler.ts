import type { Request, Response } from 'express';
import type { z } from 'zod';
import { getContext } from '../../shared/context.js';
import { badRequest, notFound } from '../../shared/errors.js';
import { timeRange } from '../../shared/http/time-range.js';
import { loadRuns } from '../../shared/analytics/runs.js';
import { taskStats, workerStats } from '../../shared/analytics/task-stats.js';
import { TaskId } from '../../shared/tasks/definition.js';
import { WhoFields } from '../../shared/video-repo/who.js';
import type { AnalyticsQuery } from './schema.js';

type Q = z.output<typeof AnalyticsQuery>;

async function taskNames(ids: string[]): Promise<Map<string, string>> {
  const ctx = await getContext();
  const r = await ctx.db.query<{ id: string; name: string }>('SELECT id, name FROM tasks WHERE id = ANY($1::text[])', [ids]);
  return new Map(r.rows.map((x) => [x.id, x.name]));
}

export async function task(req: Request, res: Response, q: Q): Promise<void> {
  const ctx = await getContext();
  const id = TaskId.safeParse(String(req.params.id));
  if (!id.success) throw badRequest(`task id: ${id.error.issues[0]?.message}`);
  const known = await ctx.db.query('SELECT 1 FROM tasks WHERE id = $1 UNION ALL SELECT 1 FROM videos WHERE task_id = $1 UNION ALL SELECT 1 FROM scores WHERE task_id = $1 LIMIT 1', [id.data]);
  if (!known.rows.length) throw notFound(`task ${id.data}`);
  const range = timeRange(q);
  const runs = await loadRuns(ctx.db, { taskId: id.data, ...range });
  res.json({ task_id: id.data, name: (await taskNames([id.data])).get(id.data) ?? id.data, since: range.since?.toISOString() ?? null, until: range.until?.toISOString() ?? null, ...taskStats(runs) });
}

export async function worker(req: Request, res: Response, q: Q): Promise<void> {
  const ctx = await getContext();
  const id = WhoFields.shape.worker_id.safeParse(String(req.params.id));
  if (!id.success || !id.data) throw badRequest(`worker id: ${id.success ? 'required' : id.error.issues[0]?.message}`);
  const range = timeRange(q);
  const runs = await loadRuns(ctx.db, { workerId: id.data, ...range });
  if (!runs.length) {
    const any = await ctx.db.query('SELECT 1 FROM scores WHERE worker_id = $1 UNION ALL SELECT 1 FROM videos WHERE worker_id = $1 LIMIT 1', [id.data]);
    if (!any.rows.length) throw notFound(`worker ${id.data}`);
  }
  const stats = workerStats(runs);
  const names = await taskNames(stats.by_task.map((t) => t.task_id));
  res.json({
    worker_id: id.data,
    since: range.since?.toISOString() ?? null,
    until: range.until?.toISOString() ?? null,
    ...stats,
    by_task: stats.by_task.map((t) => ({ ...t, name: names.get(t.task_id) ?? t.task_id })),
  });
}

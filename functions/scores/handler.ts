import type { Request, Response } from 'express';
import type { z } from 'zod';
import { pipeline } from 'node:stream/promises';
import { getContext } from '../../shared/context.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { getVideo } from '../../shared/videos/repo.js';
import { createScore, getScore, listScores, newScoreId, scoreView } from '../../shared/scores/repo.js';
import { requestScoring } from '../../shared/scores/pipeline.js';
import { auditRequest } from '../../shared/security.js';
import { ensureDependencies } from '../../shared/http/dependencies.js';
import { buildReport } from '../../shared/reports/build.js';
import type { ListScoresQuery, ScoreRequest } from './schema.js';

export async function create(req: Request, res: Response, body: z.output<typeof ScoreRequest>): Promise<void> {
  const ctx = await getContext();
  const [gold, trainee] = await Promise.all([getVideo(ctx.db, body.gold_video_id), getVideo(ctx.db, body.trainee_video_id)]);
  if (!gold) throw notFound(`gold video ${body.gold_video_id}`);
  if (!trainee) throw notFound(`trainee video ${body.trainee_video_id}`);
  if (gold.role !== 'gold') throw badRequest(`video ${gold.id} is a ${gold.role} video, not a gold video`);
  if (gold.id === trainee.id) throw badRequest('gold and trainee must be different videos');
  if (gold.task_id !== trainee.task_id) throw badRequest(`gold video ${gold.id} is of task ${gold.task_id}, trainee video ${trainee.id} of task ${trainee.task_id}: a score compares two performances of the same task`);
  for (const v of [gold, trainee]) {
    if (v.status === 'failed') throw new AppError(409, 'conflict', `video ${v.id} failed to ingest: ${v.error}`);
  }
  // No score row that could never start: refuse during a queue outage (503 queue_unavailable).
  await ensureDependencies(ctx, ['queue']);
  const id = newScoreId();
  await ctx.db.transaction(async (tx) => {
    await createScore(tx, { id, taskId: gold.task_id, goldVideoId: gold.id, traineeVideoId: trainee.id, createdBy: req.principal?.subject ?? 'anonymous' });
    await auditRequest(tx, req, { action: 'score.request', target_type: 'score', target_id: id, outcome: 'ok', details: { gold_video_id: gold.id, trainee_video_id: trainee.id } });
  });
  // Starts now if both are indexed; otherwise video.indexed starts it.
  await requestScoring(ctx, id);
  res.status(202).json({ score_job_id: id, status: 'queued' });
}

export async function get(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const s = await getScore(ctx.db, String(req.params.id));
  if (!s) throw notFound(`score ${req.params.id}`);
  res.json(scoreView(s));
}

export async function list(_req: Request, res: Response, q: z.output<typeof ListScoresQuery>): Promise<void> {
  const ctx = await getContext();
  const page = await listScores(ctx.db, { taskId: q.task_id, videoId: q.video_id, limit: q.limit, cursor: q.cursor });
  res.json({
    items: page.items.map((s) => {
      const v = scoreView(s);
      return { id: v.id, status: v.status, task_id: v.task_id, gold_video_id: v.gold_video_id, trainee_video_id: v.trainee_video_id, score: v.score, passed: v.passed, deviation_count: (v.deviations as unknown[]).length, created_at: v.created_at, completed_at: v.completed_at, error: v.error };
    }),
    next_cursor: page.next_cursor,
  });
}

/** The cached PDF, rendered on demand when the report stage has not run yet (or the cache was removed). */
export async function report(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const s = await getScore(ctx.db, String(req.params.id));
  if (!s) throw notFound(`score ${req.params.id}`);
  if (s.status !== 'completed') throw new AppError(409, 'not_ready', `score ${s.id} is ${s.status}; the report exists once it is completed`);
  let key = s.report_key;
  if (!key || !(await ctx.store.head(key))) key = (await buildReport(ctx, s.id)).key;
  const obj = await ctx.store.get(key);
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Length', String(obj.size));
  res.setHeader('Content-Disposition', `inline; filename="sopilot-${s.id}.pdf"`);
  await pipeline(obj.body, res);
}

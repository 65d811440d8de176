import type { Request, Response } from 'express';
import type { z } from 'zod';
import { getContext } from '../../shared/context.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { getVideo } from '../../shared/video-repo/repo.js';
import { loadSteps, saveSteps } from '../../shared/ingest/steps.js';
import { loadVideoEmbeddings } from '../../shared/embeddings/repo.js';
import { auditRequest } from '../../shared/security.js';
import { stepsFromTimes } from '../../shared/steps/from-times.js';
import { latestStepModel } from '../../shared/training/step-models.js';
import type { PutSteps } from './schema.js';

async function goldVideo(id: string) {
  const ctx = await getContext();
  const v = await getVideo(ctx.db, id);
  if (!v) throw notFound(`video ${id}`);
  if (v.role !== 'gold') throw badRequest(`video ${id} is a ${v.role} video; steps belong to gold videos`);
  return { ctx, v };
}

export async function get(req: Request, res: Response): Promise<void> {
  const { ctx, v } = await goldVideo(String(req.params.id));
  res.json({ video_id: v.id, steps: await loadSteps(ctx.db, v.id) });
}

export async function put(req: Request, res: Response, body: z.output<typeof PutSteps>): Promise<void> {
  const { ctx, v } = await goldVideo(String(req.params.id));
  if (v.status !== 'indexed') throw new AppError(409, 'not_ready', `video ${v.id} is ${v.status}; set steps once it is indexed`);
  const emb = await loadVideoEmbeddings(ctx.db, ctx.store, v);
  let steps;
  try {
    steps = stepsFromTimes(body.steps, emb.times);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const before = await loadSteps(ctx.db, v.id);
  await ctx.db.transaction(async (tx) => {
    await saveSteps(tx, v.id, steps, 'manual');
    await auditRequest(tx, req, {
      action: 'gold.steps.update',
      target_type: 'video',
      target_id: v.id,
      outcome: 'ok',
      details: { before: before.map((s) => [s.name, s.start_sec, s.end_sec]), after: steps.map((s) => [s.name, s.start_sec, s.end_sec]) },
    });
  });
  res.json({ video_id: v.id, steps: await loadSteps(ctx.db, v.id) });
}

/** The gold's current step model: what scoring learned per step from accepted runs (docs/scoring.md). */
export async function getStepModel(req: Request, res: Response): Promise<void> {
  const { ctx, v } = await goldVideo(String(req.params.id));
  const row = await latestStepModel(ctx.db, v.id);
  res.json({ video_id: v.id, model: row ? { ...row.model, version: row.version, runs: row.runs, created_at: row.created_at, created_by: row.created_by } : null });
}

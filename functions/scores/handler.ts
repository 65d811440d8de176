import type { Request, Response } from 'express';
import type { z } from 'zod';
import { pipeline } from 'node:stream/promises';
import { getContext } from '../../shared/context.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { getVideo } from '../../shared/video-repo/repo.js';
import { getScore, listScores, scoreListItem, scoreView, type ScoreFilter } from '../../shared/score-jobs/repo.js';
import { timeRange } from '../../shared/http/time-range.js';
import { csvLine } from '../../shared/http/csv.js';
import { createScoreFor, pairProblem } from '../../shared/score-jobs/request.js';
import { requestScoring } from '../../shared/score-jobs/pipeline.js';
import { auditRequest } from '../../shared/security.js';
import { ensureDependencies } from '../../shared/http/dependencies.js';
import { buildReport } from '../../shared/report/build.js';
import type { BatchRequest, ListScoresQuery, ScoreRequest } from './schema.js';
import { batchView, createBatch } from '../../shared/score-jobs/batch.js';

export async function create(req: Request, res: Response, body: z.output<typeof ScoreRequest>): Promise<void> {
  const ctx = await getContext();
  const [gold, trainee] = await Promise.all([getVideo(ctx.db, body.gold_video_id), getVideo(ctx.db, body.trainee_video_id)]);
  if (!gold) throw notFound(`gold video ${body.gold_video_id}`);
  if (!trainee) throw notFound(`trainee video ${body.trainee_video_id}`);
  if (gold.role === 'gold' && gold.task_id !== trainee.task_id) {
    throw badRequest(`gold video ${gold.id} is of task ${gold.task_id}, trainee video ${trainee.id} of task ${trainee.task_id}: a score compares two performances of the same task`);
  }
  const problem = pairProblem(gold, trainee);
  if (problem) throw gold.role === 'gold' && gold.id !== trainee.id ? new AppError(409, 'conflict', problem) : badRequest(problem);
  // No score row that could never start: refuse during a queue outage (503 queue_unavailable).
  await ensureDependencies(ctx, ['queue']);
  const id = await ctx.db.transaction(async (tx) => {
    const scoreId = await createScoreFor(tx, { gold, trainee, createdBy: req.principal?.subject ?? 'anonymous' });
    await auditRequest(tx, req, { action: 'score.request', target_type: 'score', target_id: scoreId, outcome: 'ok', details: { gold_video_id: gold.id, trainee_video_id: trainee.id } });
    return scoreId;
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

/** POST /score/batch: queued scores for many trainees at once; progress at GET /score/batch/:id. */
export async function createBatchHandler(req: Request, res: Response, body: z.output<typeof BatchRequest>): Promise<void> {
  const ctx = await getContext();
  const spec = body.task_id ? { task_id: body.task_id, since: timeRange({ since: body.since }).since } : { gold_video_id: body.gold_video_id!, trainee_video_ids: body.trainee_video_ids! };
  const b = await createBatch(ctx, spec, req.principal?.subject ?? 'anonymous', (tx, details, id) =>
    auditRequest(tx, req, { action: 'score.batch', target_type: 'batch', target_id: id, outcome: 'ok', details }),
  );
  for (const id of b.scoreIds) await requestScoring(ctx, id);
  res.status(202).json({ ...(await batchView(ctx.db, b.id))!, left_out: b.leftOut });
}

export async function getBatch(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const b = await batchView(ctx.db, String(req.params.id));
  if (!b) throw notFound(`batch ${req.params.id}`);
  res.json(b);
}

type ListQuery = z.output<typeof ListScoresQuery>;

const filterOf = (q: ListQuery): ScoreFilter => ({
  taskId: q.task_id,
  videoId: q.video_id,
  workerId: q.worker_id,
  station: q.station,
  shift: q.shift,
  passed: q.passed,
  ...timeRange(q),
  deviationType: q.deviation_type,
  batchId: q.batch_id,
});

const CSV_COLUMNS = ['id', 'status', 'task_id', 'task_version', 'gold_video_id', 'trainee_video_id', 'worker_id', 'station', 'shift', 'score', 'passed', 'engine_passed', 'review_decision', 'reviewed_by', 'deviation_count', 'deviation_types', 'batch_id', 'performed_at', 'created_at', 'completed_at', 'error'] as const;
const CSV_MAX_ROWS = 100_000;

export async function list(_req: Request, res: Response, q: ListQuery): Promise<void> {
  const ctx = await getContext();
  if (q.format === 'csv') return listCsv(res, q);
  const page = await listScores(ctx.db, { ...filterOf(q), limit: q.limit, cursor: q.cursor });
  res.json({ items: page.items.map(scoreListItem), next_cursor: page.next_cursor });
}

/** Every matching score (from the cursor on, newest first), streamed page by page; limit is the page size read. */
async function listCsv(res: Response, q: ListQuery): Promise<void> {
  const ctx = await getContext();
  const filter = filterOf(q);
  // The first page is read before any byte is sent, so a bad cursor is still a JSON 400.
  let page = await listScores(ctx.db, { ...filter, limit: 500, cursor: q.cursor });
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="sopilot-scores${q.task_id ? `-${q.task_id.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}.csv"`);
  res.write(csvLine([...CSV_COLUMNS]));
  let rows = 0;
  for (;;) {
    for (const s of page.items) {
      const item = scoreListItem(s);
      res.write(csvLine(CSV_COLUMNS.map((c) => (c === 'deviation_types' ? item.deviation_types.join(' ') : item[c]))));
    }
    rows += page.items.length;
    if (!page.next_cursor || rows >= CSV_MAX_ROWS) break;
    page = await listScores(ctx.db, { ...filter, limit: 500, cursor: page.next_cursor });
  }
  res.end();
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

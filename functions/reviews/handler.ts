import type { Request, Response } from 'express';
import type { z } from 'zod';
import { getContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { auditRequest } from '../../shared/security.js';
import { finalPassed, getScore, listScores, scoreListItem, scoreView } from '../../shared/score-jobs/repo.js';
import { reportKey } from '../../shared/video-repo/delete.js';
import type { ReviewQueueQuery, ReviewRequest } from './schema.js';

/**
 * A reviewer's decision beside the engine's verdict (which stays as it was). A new review
 * replaces the previous one; the audit trail keeps each. The cached PDF is dropped so the next
 * download shows the review.
 */
export async function review(req: Request, res: Response, body: z.output<typeof ReviewRequest>): Promise<void> {
  const ctx = await getContext();
  const id = String(req.params.id);
  const s = await getScore(ctx.db, id);
  if (!s) throw notFound(`score ${id}`);
  if (s.status !== 'completed') throw new AppError(409, 'not_ready', `score ${id} is ${s.status}; only a completed score can be reviewed`);
  const by = req.principal?.subject ?? 'anonymous';
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      'UPDATE scores SET review_decision = $2, review_comment = $3, reviewed_by = $4, reviewed_at = now(), report_key = NULL, updated_at = now() WHERE id = $1',
      [id, body.decision, body.comment || null, by],
    );
    await auditRequest(tx, req, {
      action: 'score.review',
      target_type: 'score',
      target_id: id,
      outcome: 'ok',
      details: {
        decision: body.decision,
        comment: body.comment,
        engine_passed: s.passed,
        passed_before: finalPassed(s),
        passed_after: finalPassed({ passed: s.passed, review_decision: body.decision }),
        previous_decision: s.review_decision,
      },
    });
  });
  await ctx.store.delete(reportKey(id)).catch(() => undefined);
  res.json(scoreView((await getScore(ctx.db, id))!));
}

/** Failed runs nobody has reviewed yet, newest first (each trainee video's current score only). */
export async function queue(_req: Request, res: Response, q: z.output<typeof ReviewQueueQuery>): Promise<void> {
  const ctx = await getContext();
  const page = await listScores(ctx.db, { taskId: q.task_id, workerId: q.worker_id, station: q.station, awaitingReview: true, currentOnly: true, limit: q.limit, cursor: q.cursor });
  res.json({ items: page.items.map(scoreListItem), next_cursor: page.next_cursor });
}

import type { Context } from './context.js';
import { appendAudit } from './audit/index.js';
import { onJobTransition } from './jobs/index.js';

/** Every job transition writes an audit row (subject "system": pipelines act on their own). */
export function wireAuditHooks(_ctx: Context): void {
  onJobTransition(async (job, from, db) => {
    await appendAudit(db, {
      subject: 'system',
      role: null,
      action: `job.${job.status}`,
      target_type: 'job',
      target_id: job.id,
      outcome: job.status === 'failed' ? 'error' : 'ok',
      details: { kind: job.kind, from, attempts: job.attempts, video_id: job.video_id, score_id: job.score_id, ...(job.error ? { error: job.error.slice(0, 500) } : {}) },
    });
  });
}

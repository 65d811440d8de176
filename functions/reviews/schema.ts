import { z } from 'zod';
export { ScoreView } from '../scores/schema.js';
export { ScoreList as ReviewQueue } from '../scores/schema.js';

export const ReviewRequest = z
  .object({
    decision: z.enum(['confirm', 'override_pass', 'override_fail']),
    comment: z.string().trim().max(2000).default(''),
  })
  .refine((r) => r.decision === 'confirm' || r.comment.length > 0, { message: 'an override needs a comment saying why', path: ['comment'] });

export const ReviewQueueQuery = z.object({
  task_id: z.string().min(1).max(200).optional(),
  worker_id: z.string().min(1).max(100).optional(),
  station: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

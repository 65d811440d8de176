import { z } from 'zod';

export const ScoreRequest = z.object({
  gold_video_id: z.string().min(1, 'gold_video_id is required'),
  trainee_video_id: z.string().min(1, 'trainee_video_id is required'),
});
export const ScoreAccepted = z.object({ score_job_id: z.string(), status: z.string() });
export const ListScoresQuery = z.object({
  task_id: z.string().optional(),
  video_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

const Step = z.object({ index: z.number(), name: z.string(), start_sec: z.number(), end_sec: z.number() });
const Range = z.object({ start_sec: z.number(), end_sec: z.number() });
export const Deviation = z.object({
  type: z.enum(['missing_step', 'order_swap', 'step_deviation', 'over_time', 'rework']),
  severity: z.enum(['low', 'medium', 'high']),
  gold_step: Step.nullable(),
  other_step: Step.nullable().optional(),
  trainee: Range.nullable(),
  evidence: z.record(z.string(), z.unknown()),
  message: z.string(),
});
export const ScoreView = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  error: z.string().nullable(),
  task_id: z.string().nullable(),
  gold_video_id: z.string(),
  trainee_video_id: z.string(),
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  deviations: z.array(Deviation),
  steps: z.array(z.record(z.string(), z.unknown())),
  path: z.array(z.tuple([z.number(), z.number()])),
  gold_clips: z.array(Range),
  trainee_clips: z.array(Range),
  breakdown: z.record(z.string(), z.number()),
  similar_failures: z.array(z.unknown()),
  timings_ms: z.record(z.string(), z.number()),
  result_hash: z.string().nullable(),
  video_deleted: z.string().nullable(),
  report_url: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

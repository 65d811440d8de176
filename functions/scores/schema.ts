import { z } from 'zod';
import { QueryTime } from '../../shared/http/time-range.js';
import { TaskId } from '../../shared/tasks/definition.js';

export const ScoreRequest = z.object({
  gold_video_id: z.string().min(1, 'gold_video_id is required'),
  trainee_video_id: z.string().min(1, 'trainee_video_id is required'),
});
/** Either a gold with trainee videos, or a task (its current gold, its trainees not yet scored under its current definition). */
export const BatchRequest = z
  .object({
    gold_video_id: z.string().min(1).max(200).optional(),
    trainee_video_ids: z.array(z.string().min(1).max(200)).min(1).max(500).optional(),
    task_id: TaskId.optional(),
    since: QueryTime.optional(),
  })
  .refine((b) => (b.task_id ? !b.gold_video_id && !b.trainee_video_ids : Boolean(b.gold_video_id && b.trainee_video_ids)), {
    message: 'give gold_video_id with trainee_video_ids, or task_id (with an optional since)',
  })
  .refine((b) => !b.since || b.task_id, { message: 'since goes with task_id', path: ['since'] });

export const BatchView = z.object({
  id: z.string(),
  task_id: z.string().nullable(),
  gold_video_id: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  total: z.number(),
  queued: z.number(),
  running: z.number(),
  completed: z.number(),
  failed: z.number(),
  passed: z.number(),
  done: z.boolean(),
  progress: z.number(),
  items: z.array(z.object({ score_id: z.string(), trainee_video_id: z.string(), worker_id: z.string().nullable(), status: z.string(), score: z.number().nullable(), passed: z.boolean().nullable() })),
  skipped: z.array(z.object({ trainee_video_id: z.string(), reason: z.string() })),
});
export const BatchAccepted = BatchView.extend({ left_out: z.number() });

export const ScoreAccepted = z.object({ score_job_id: z.string(), status: z.string() });
export const ListScoresQuery = z.object({
  task_id: z.string().min(1).max(200).optional(),
  video_id: z.string().min(1).max(200).optional(),
  worker_id: z.string().min(1).max(100).optional(),
  station: z.string().min(1).max(100).optional(),
  shift: z.string().min(1).max(50).optional(),
  passed: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  since: QueryTime.optional(),
  until: QueryTime.optional(),
  deviation_type: z.enum(['missing_step', 'order_swap', 'step_deviation', 'over_time', 'rework']).optional(),
  batch_id: z.string().min(1).max(200).optional(),
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const ScoreListItem = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  task_id: z.string().nullable(),
  task_version: z.number().nullable(),
  gold_video_id: z.string(),
  trainee_video_id: z.string(),
  worker_id: z.string().nullable(),
  station: z.string().nullable(),
  shift: z.string().nullable(),
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  engine_passed: z.boolean().nullable(),
  review_decision: z.enum(['confirm', 'override_pass', 'override_fail']).nullable(),
  reviewed_by: z.string().nullable(),
  deviation_count: z.number(),
  deviation_types: z.array(z.string()),
  batch_id: z.string().nullable(),
  performed_at: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  error: z.string().nullable(),
});
export const ScoreList = z.object({ items: z.array(ScoreListItem), next_cursor: z.string().nullable() });

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
  engine_passed: z.boolean().nullable(),
  verdict: z
    .object({
      passed: z.boolean(),
      score: z.number(),
      pass_threshold: z.number(),
      rule: z.string(),
      reasons: z.array(z.string()),
      blocking: z.array(z.number()),
      task_version: z.number().nullable(),
      step_rules_applied: z.boolean(),
    })
    .nullable(),
  review: z
    .object({ decision: z.enum(['confirm', 'override_pass', 'override_fail']), comment: z.string().nullable(), reviewed_by: z.string().nullable(), reviewed_at: z.string().nullable() })
    .nullable(),
  task_version: z.number().nullable(),
  worker_id: z.string().nullable(),
  station: z.string().nullable(),
  shift: z.string().nullable(),
  performed_at: z.string().nullable(),
  batch_id: z.string().nullable(),
  deviations: z.array(Deviation),
  information: z.array(z.object({ type: z.string(), gold_step: Step.nullable(), other_step: Step.nullable().optional(), message: z.string() })),
  steps: z.array(z.record(z.string(), z.unknown())),
  path: z.array(z.tuple([z.number(), z.number()])),
  gold_clips: z.array(Range),
  trainee_clips: z.array(Range),
  breakdown: z.record(z.string(), z.number()),
  breakdown_text: z.array(z.string()),
  similar_failures: z.array(z.unknown()),
  /** How the trainee's camera differs from the gold's (null for videos ingested before scene stills). */
  camera: z
    .object({
      same_scene: z.boolean(),
      registered: z.boolean().optional(),
      zoom: z.number(),
      shift_x: z.number(),
      shift_y: z.number(),
      rotation_deg: z.number(),
      brightness_gain: z.number(),
      brightness_offset: z.number(),
      match_ratio: z.number(),
      inliers: z.number(),
      matches: z.number(),
      unshared_cells: z.number().optional(),
    })
    .nullable(),
  /** A statement that qualifies the whole result, in words (another scene than the gold's). */
  notice: z.string().nullable(),
  timings_ms: z.record(z.string(), z.number()),
  result_hash: z.string().nullable(),
  video_deleted: z.string().nullable(),
  report_url: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

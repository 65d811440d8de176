import { z } from 'zod';
export { TaskDefinition as PutTask } from '../../shared/tasks/definition.js';

const StepView = z.object({
  index: z.number(),
  name: z.string(),
  optional: z.boolean(),
  critical: z.boolean(),
  max_duration_sec: z.number().nullable(),
  min_duration_sec: z.number().nullable(),
  order_group: z.string().nullable(),
  gold_start_sec: z.number().nullable(),
  gold_end_sec: z.number().nullable(),
});

const GoldRef = z.object({ id: z.string(), original_name: z.string().nullable(), status: z.string(), created_at: z.string() });

export const TaskView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  defined: z.boolean(),
  version: z.number(),
  gold_video_id: z.string().nullable(),
  gold_source: z.enum(['definition', 'latest_upload']).nullable(),
  gold: GoldRef.nullable(),
  pass_threshold: z.number().nullable(),
  effective_pass_threshold: z.number(),
  steps: z.array(StepView),
  videos: z.number(),
  trainee_videos: z.number(),
  scores: z.number(),
  last_activity_at: z.string().nullable(),
  updated_by: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export const TaskList = z.object({ items: z.array(TaskView.omit({ steps: true }).extend({ step_count: z.number() })) });

const RescoreOffer = z.object({ runs: z.number(), method: z.literal('POST'), path: z.literal('/score/batch'), body: z.object({ task_id: z.string() }) }).nullable();
export const TaskDetail = TaskView.extend({ rescore_offer: RescoreOffer });
export const PutTaskResult = TaskDetail.extend({ changed: z.boolean() });

import { z } from 'zod';

/** Task ids are the task_id of uploads: the same characters. */
export const TaskId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'task ids contain letters, digits, . _ : -');

const seconds = z.number().positive().max(86_400);

/** One step of a task's SOP definition; index = the gold video's step index. */
export const TaskStepDef = z
  .object({
    index: z.number().int().min(0).max(499),
    name: z.string().trim().min(1).max(200),
    optional: z.boolean().default(false),
    critical: z.boolean().default(false),
    max_duration_sec: seconds.nullable().default(null),
    min_duration_sec: seconds.nullable().default(null),
    order_group: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[\p{L}\p{N} ._:-]+$/u, 'order_group: letters, digits, space and . _ : -')
      .nullable()
      .default(null),
  })
  .refine((s) => s.max_duration_sec === null || s.min_duration_sec === null || s.min_duration_sec <= s.max_duration_sec, {
    message: 'min_duration_sec must not exceed max_duration_sec',
    path: ['min_duration_sec'],
  });
export type TaskStepDef = z.output<typeof TaskStepDef>;

/** PUT /tasks/:id */
export const TaskDefinition = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5000).default(''),
    gold_video_id: z.string().min(1).max(200).nullable().default(null),
    pass_threshold: z.number().min(0).max(100).nullable().default(null),
    steps: z.array(TaskStepDef).max(500).default([]),
  })
  .refine((d) => new Set(d.steps.map((s) => s.index)).size === d.steps.length, { message: 'each step index appears once', path: ['steps'] });
export type TaskDefinition = z.output<typeof TaskDefinition>;

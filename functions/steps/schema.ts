import { z } from 'zod';

export const StepView = z.object({
  index: z.number(),
  name: z.string(),
  start_clip: z.number(),
  end_clip: z.number(),
  start_sec: z.number(),
  end_sec: z.number(),
  source: z.enum(['auto', 'manual']),
});
export const StepsView = z.object({ video_id: z.string(), steps: z.array(StepView) });

/** Admin override: names and time bounds, in order, covering the parts of the video that are steps. */
export const PutSteps = z.object({
  steps: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(200),
        start_sec: z.number().min(0),
        end_sec: z.number().positive(),
      }),
    )
    .min(1)
    .max(500),
});

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

const Stat = z.object({ median: z.number(), spread: z.number() });
/** A gold's current step model (shared/training/step-models.ts); null before nightly-train has fitted one. */
export const StepModelView = z.object({
  video_id: z.string(),
  model: z
    .object({
      version: z.number(),
      runs: z.number(),
      created_at: z.string(),
      created_by: z.string().nullable(),
      gold_consecutive_similarity: z.number(),
      params: z.object({ minRuns: z.number(), baseRatio: z.number(), k: z.number(), capFactor: z.number(), minSpreadFraction: z.number() }),
      score_ids: z.array(z.string()),
      steps: z.array(
        z.object({
          index: z.number(),
          gold_start_sec: z.number(),
          gold_end_sec: z.number(),
          n: z.number(),
          duration_ratio: Stat.extend({ max: z.number() }).nullable(),
          match_quality: Stat.nullable(),
          over_time_ratio: z.number().optional(),
          expected_quality: z.number().optional(),
        }),
      ),
    })
    .nullable(),
});

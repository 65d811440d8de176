import { z } from 'zod';
import { QueryTime } from '../../shared/http/time-range.js';

export const AnalyticsQuery = z.object({ since: QueryTime.optional(), until: QueryTime.optional() });

const Verdicts = { runs: z.number(), passed: z.number(), pass_rate: z.number().nullable() };
const ByType = z.record(z.string(), z.number());
const StepBreak = { runs: z.number(), runs_with_deviation: z.number(), median_sec: z.number().nullable() };

export const TaskAnalytics = z.object({
  task_id: z.string(),
  name: z.string(),
  since: z.string().nullable(),
  until: z.string().nullable(),
  runs: z.number(),
  passed: z.number(),
  failed: z.number(),
  pass_rate: z.number().nullable(),
  reviewed: z.number(),
  median_score: z.number().nullable(),
  most_failed_step: z.object({ index: z.number(), name: z.string(), runs_with_deviation: z.number() }).nullable(),
  steps: z.array(
    z.object({
      index: z.number(),
      name: z.string(),
      gold_duration_sec: z.number(),
      runs: z.number(),
      runs_with_deviation: z.number(),
      deviations: ByType,
      duration: z.object({ n: z.number(), median_sec: z.number().nullable(), p90_sec: z.number().nullable(), median_vs_gold: z.number().nullable(), p90_vs_gold: z.number().nullable() }),
      by_worker: z.array(z.object({ worker_id: z.string().nullable(), ...StepBreak })),
      by_week: z.array(z.object({ week_start: z.string(), ...StepBreak })),
    }),
  ),
  by_worker: z.array(z.object({ worker_id: z.string().nullable(), ...Verdicts })),
  by_week: z.array(z.object({ week_start: z.string(), ...Verdicts })),
});

export const WorkerAnalytics = z.object({
  worker_id: z.string(),
  since: z.string().nullable(),
  until: z.string().nullable(),
  runs: z.number(),
  passed: z.number(),
  failed: z.number(),
  pass_rate: z.number().nullable(),
  median_score: z.number().nullable(),
  deviations: ByType,
  by_task: z.array(z.object({ task_id: z.string(), name: z.string(), ...Verdicts, last_performed_at: z.string() })),
  by_week: z.array(z.object({ week_start: z.string(), ...Verdicts })),
  recent: z.array(z.object({ score_id: z.string(), task_id: z.string(), performed_at: z.string(), score: z.number(), passed: z.boolean(), station: z.string().nullable(), deviation_count: z.number() })),
});

import type { DeviationType } from '../scoring/types.js';
import type { Run } from './runs.js';
import { groupBy, percentile, rate, weekStart } from './stats.js';

const TYPES: DeviationType[] = ['missing_step', 'order_swap', 'step_deviation', 'over_time', 'rework'];
const zeroTypes = () => Object.fromEntries(TYPES.map((t) => [t, 0])) as Record<DeviationType, number>;

interface StepSample {
  run: Run;
  durationSec: number | null;
  deviations: DeviationType[];
}

function durationStats(samples: StepSample[], goldSec: number | null) {
  const d = samples.map((s) => s.durationSec).filter((x): x is number => x !== null);
  const median = percentile(d, 0.5);
  const p90 = percentile(d, 0.9);
  const ratio = (x: number | null) => (x === null || !goldSec ? null : Math.round((x / goldSec) * 1000) / 1000);
  return { n: d.length, median_sec: median, p90_sec: p90, median_vs_gold: ratio(median), p90_vs_gold: ratio(p90) };
}

function stepBreakdown(samples: StepSample[]) {
  return {
    runs: samples.length,
    runs_with_deviation: samples.filter((s) => s.deviations.length).length,
    median_sec: percentile(samples.map((s) => s.durationSec).filter((x): x is number => x !== null), 0.5),
  };
}

/** GET /analytics/tasks/:id from the task's runs (pure). Durations are the trainee's matched segment of each step. */
export function taskStats(runs: Run[]) {
  const passed = runs.filter((r) => r.passed).length;
  // Steps by gold index; name and gold duration from the most recent run that has the step.
  const steps = new Map<number, { name: string; goldSec: number; samples: StepSample[] }>();
  for (const run of runs) {
    for (const st of run.steps) {
      const e = steps.get(st.index) ?? { name: st.name, goldSec: st.gold.end_sec - st.gold.start_sec, samples: [] };
      e.name = st.name;
      e.goldSec = st.gold.end_sec - st.gold.start_sec;
      e.samples.push({
        run,
        durationSec: st.trainee ? Math.round((st.trainee.end_sec - st.trainee.start_sec) * 1000) / 1000 : null,
        deviations: run.deviations.filter((d) => d.gold_step?.index === st.index).map((d) => d.type),
      });
      steps.set(st.index, e);
    }
  }
  const stepRows = [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, e]) => {
      const byType = zeroTypes();
      for (const s of e.samples) for (const t of s.deviations) byType[t]++;
      return {
        index,
        name: e.name,
        gold_duration_sec: Math.round(e.goldSec * 1000) / 1000,
        runs: e.samples.length,
        runs_with_deviation: e.samples.filter((s) => s.deviations.length).length,
        deviations: byType,
        duration: durationStats(e.samples, e.goldSec),
        by_worker: [...groupBy(e.samples, (s) => s.run.worker_id)].map(([worker_id, g]) => ({ worker_id, ...stepBreakdown(g) })),
        by_week: [...groupBy(e.samples, (s) => weekStart(s.run.performed_at))].map(([week_start, g]) => ({ week_start, ...stepBreakdown(g) })),
      };
    });
  const worst = stepRows.filter((s) => s.runs_with_deviation > 0).sort((a, b) => b.runs_with_deviation - a.runs_with_deviation || a.index - b.index)[0];
  const verdicts = (g: Run[]) => ({ runs: g.length, passed: g.filter((r) => r.passed).length, pass_rate: rate(g.filter((r) => r.passed).length, g.length) });
  return {
    runs: runs.length,
    passed,
    failed: runs.length - passed,
    pass_rate: rate(passed, runs.length),
    reviewed: runs.filter((r) => r.reviewed).length,
    median_score: percentile(runs.map((r) => r.score), 0.5),
    most_failed_step: worst ? { index: worst.index, name: worst.name, runs_with_deviation: worst.runs_with_deviation } : null,
    steps: stepRows,
    by_worker: [...groupBy(runs, (r) => r.worker_id)].map(([worker_id, g]) => ({ worker_id, ...verdicts(g) })),
    by_week: [...groupBy(runs, (r) => weekStart(r.performed_at))].map(([week_start, g]) => ({ week_start, ...verdicts(g) })),
  };
}

/** GET /analytics/workers/:id from the worker's runs (pure). */
export function workerStats(runs: Run[]) {
  const passed = runs.filter((r) => r.passed).length;
  const byType = zeroTypes();
  for (const r of runs) for (const d of r.deviations) byType[d.type]++;
  const verdicts = (g: Run[]) => ({ runs: g.length, passed: g.filter((r) => r.passed).length, pass_rate: rate(g.filter((r) => r.passed).length, g.length) });
  return {
    runs: runs.length,
    passed,
    failed: runs.length - passed,
    pass_rate: rate(passed, runs.length),
    median_score: percentile(runs.map((r) => r.score), 0.5),
    deviations: byType,
    by_task: [...groupBy(runs, (r) => r.task_id)].map(([task_id, g]) => ({ task_id, ...verdicts(g), last_performed_at: g[g.length - 1].performed_at })),
    by_week: [...groupBy(runs, (r) => weekStart(r.performed_at))].map(([week_start, g]) => ({ week_start, ...verdicts(g) })),
    recent: runs
      .slice(-20)
      .reverse()
      .map((r) => ({ score_id: r.score_id, task_id: r.task_id, performed_at: r.performed_at, score: r.score, passed: r.passed, station: r.station, deviation_count: r.deviations.length })),
  };
}

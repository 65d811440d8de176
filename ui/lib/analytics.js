// What the dashboard shows, read from GET /analytics/tasks/:id and GET /analytics/workers/:id
// (docs/api.md, "Analytics"). Pure (no DOM), so it is tested in Node.

/** The server's rates are 0..1 (null without runs); the page shows percent. */
const pct = (v) => (v === null || v === undefined ? null : v * 100);
/** worker_id null = the uploads did not name one. */
export const NO_WORKER = 'not given';

/**
 * @param {object} a GET /analytics/tasks/:id
 * @returns {{ runs: number, failed: number, reviewed: number, passRate: number|null, medianScore: number|null,
 *   weeks: Array<{label: string, runs: number, passRate: number|null}>,
 *   steps: Array<{index: number, name: string, deviations: Record<string, number>, total: number, runsWithDeviation: number, gold: number|null, median: number|null, p90: number|null}>,
 *   worstStep: {index: number, name: string, runsWithDeviation: number}|null,
 *   workers: Array<{id: string|null, label: string, runs: number, passRate: number|null}>, types: string[] }}
 */
export function readTaskAnalytics(a) {
  const steps = a.steps.map((st) => ({
    index: st.index,
    name: st.name,
    deviations: st.deviations,
    total: Object.values(st.deviations).reduce((t, n) => t + n, 0),
    runsWithDeviation: st.runs_with_deviation,
    gold: st.gold_duration_sec,
    median: st.duration.median_sec,
    p90: st.duration.p90_sec,
  }));
  const worst = a.most_failed_step;
  return {
    runs: a.runs,
    failed: a.failed,
    reviewed: a.reviewed,
    passRate: pct(a.pass_rate),
    medianScore: a.median_score,
    weeks: readWeeks(a.by_week),
    steps,
    worstStep: worst ? { index: worst.index, name: worst.name, runsWithDeviation: worst.runs_with_deviation } : null,
    workers: a.by_worker.map((w) => ({ id: w.worker_id, label: w.worker_id ?? NO_WORKER, runs: w.runs, passRate: pct(w.pass_rate) })),
    // Only the types that occur, so the stacked chart has no empty series.
    types: [...new Set(steps.flatMap((st) => Object.keys(st.deviations).filter((t) => st.deviations[t] > 0)))].sort(),
  };
}

/**
 * @param {object} a GET /analytics/workers/:id
 * @returns {{ runs: number, failed: number, passRate: number|null, medianScore: number|null, deviations: Array<[string, number]>,
 *   tasks: Array<{id: string, name: string, runs: number, passRate: number|null}>, weeks: Array<{label: string, runs: number, passRate: number|null}> }}
 */
export function readWorkerAnalytics(a) {
  return {
    runs: a.runs,
    failed: a.failed,
    passRate: pct(a.pass_rate),
    medianScore: a.median_score,
    deviations: Object.entries(a.deviations).filter(([, n]) => n > 0),
    tasks: a.by_task.map((t) => ({ id: t.task_id, name: t.name, runs: t.runs, passRate: pct(t.pass_rate) })),
    weeks: readWeeks(a.by_week),
  };
}

function readWeeks(byWeek) {
  return byWeek.map((w) => ({ label: w.week_start, runs: w.runs, passRate: pct(w.pass_rate) }));
}

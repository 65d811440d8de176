// What the dashboard draws, read from GET /analytics/tasks/:id (issue 11: runs, pass rate, per
// step deviations by type and median/p90 duration against the gold, by worker, by week). Pure
// (no DOM), so it is tested in Node.

const num = (v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
/** Pass rates may come as 0..1 or as percent; the page shows percent. */
const pct = (v) => (num(v) === null ? null : num(v) <= 1 ? num(v) * 100 : num(v));

/**
 * @param {object} a the analytics answer
 * @returns {{ runs: number, passRate: number|null, weeks: Array<{label: string, runs: number, passRate: number|null}>,
 *   steps: Array<{index: number, name: string, deviations: Record<string, number>, total: number, gold: number|null, median: number|null, p90: number|null}>,
 *   worstStep: object|null, workers: Array<{id: string, runs: number, passRate: number|null}>, types: string[] }}
 */
export function readTaskAnalytics(a) {
  const steps = (a?.steps || []).map((st, i) => {
    const deviations = { ...(st.deviations_by_type || st.deviations || {}) };
    const total = Object.values(deviations).reduce((t, n) => t + (num(n) || 0), 0);
    return {
      index: st.index ?? i,
      name: st.name || `Step ${(st.index ?? i) + 1}`,
      deviations,
      total,
      gold: num(st.gold_duration_sec ?? st.gold_sec),
      median: num(st.median_duration_sec ?? st.median_sec),
      p90: num(st.p90_duration_sec ?? st.p90_sec),
    };
  });
  const worstStep = steps.reduce((w, st) => (st.total > 0 && (!w || st.total > w.total) ? st : w), null);
  const types = [...new Set(steps.flatMap((st) => Object.keys(st.deviations)))].sort();
  return {
    runs: num(a?.runs) ?? 0,
    passRate: pct(a?.pass_rate),
    weeks: (a?.by_week || []).map((w) => ({ label: String(w.week ?? w.week_start ?? ''), runs: num(w.runs) ?? 0, passRate: pct(w.pass_rate) })),
    steps,
    worstStep,
    workers: (a?.by_worker || []).map((w) => ({ id: String(w.worker_id ?? w.id ?? ''), runs: num(w.runs) ?? 0, passRate: pct(w.pass_rate) })),
    types,
  };
}

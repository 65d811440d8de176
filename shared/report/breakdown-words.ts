import type { DeviationType } from '../scoring/types.js';
import { DEVIATION_LABEL } from './format.js';

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The score's breakdown as sentences a supervisor reads (the PDF prints them, GET /score/:id
 * returns them as breakdown_text). Figures without a plain meaning stay out; the JSON keeps them.
 */
export function breakdownInWords(b: Record<string, number> | null | undefined): string[] {
  if (!b) return [];
  const out: string[] = [];
  if (typeof b.step_score === 'number') {
    out.push(`How closely the steps follow the gold: ${num(b.step_score)} of 100, before penalties.`);
  }
  if (typeof b.median_step_quality === 'number') {
    out.push(`A typical step matched the gold with quality ${b.median_step_quality.toFixed(2)} (1 = as in the gold, 0 = no better than unrelated footage).`);
  }
  const penalties = (Object.keys(DEVIATION_LABEL) as DeviationType[])
    .map((t) => [t, b[`penalty_${t}`]] as const)
    .filter((x): x is readonly [DeviationType, number] => typeof x[1] === 'number' && x[1] > 0);
  for (const [t, p] of penalties) out.push(`${plural(p, 'point')} off for ${DEVIATION_LABEL[t]}${t === 'rework' ? '' : 's'}.`);
  if (b.task_rules_penalty_removed) out.push(`${plural(b.task_rules_penalty_removed, 'point')} given back by the task's rules (optional steps, order groups, its own time limits).`);
  if (b.task_rules_penalty_added) out.push(`${plural(b.task_rules_penalty_added, 'point')} off for the task's own time limits.`);
  if (typeof b.penalty_total === 'number') out.push(b.penalty_total > 0 ? `Penalties in total: ${plural(b.penalty_total, 'point')}.` : 'No penalties.');
  if (typeof b.score === 'number') out.push(`Score: ${num(b.score)} of 100.`);
  if (typeof b.blocking_deviations === 'number') {
    out.push(b.blocking_deviations ? `${plural(b.blocking_deviations, 'deviation')} fail the run whatever the score.` : 'No deviation blocks a pass.');
  }
  if (b.critical_step_deviations) out.push(`${plural(b.critical_step_deviations, 'deviation')} on critical steps.`);
  return out;
}

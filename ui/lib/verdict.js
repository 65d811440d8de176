// Why a score passed or failed, in words: the pass threshold and which findings block. Pure (no
// DOM), so it is tested in Node.

const RANK = { low: 0, medium: 1, high: 2 };
const words = (t) => String(t).replace(/_/g, ' ');

/**
 * @param {object} s GET /score/:id answer
 * @param {{pass_threshold: number, blocking_severity: Record<string, string|null>}|null} rules GET /ui/scoring-rules
 * @param {{pass_threshold?: number, steps?: Array<{index: number, critical?: boolean}>}|null} task GET /tasks/:id (when the server has it)
 * @returns {{ threshold: number|null, blocking: Array<{index: number, why: string}>, summary: string }}
 */
export function explainVerdict(s, rules, task) {
  const threshold = task?.pass_threshold ?? rules?.pass_threshold ?? null;
  const critical = new Set((task?.steps || []).filter((st) => st.critical).map((st) => st.index));
  const blocking = [];
  (s.deviations || []).forEach((d, index) => {
    const min = rules?.blocking_severity?.[d.type];
    if (d.gold_step && critical.has(d.gold_step.index)) blocking.push({ index, why: `step ${d.gold_step.index + 1} is critical: any deviation on it fails the run` });
    else if (min && RANK[d.severity] >= RANK[min]) blocking.push({ index, why: `${/^[aeiou]/.test(d.type) ? 'an' : 'a'} ${words(d.type)} of ${min} severity or more fails the run` });
  });
  const score = s.score === null || s.score === undefined ? null : Number(s.score);
  const scoreText = score === null ? '—' : score.toFixed(1);
  const rule = threshold === null ? 'Pass rule: not known to this page.' : `Pass rule: score ≥ ${threshold} and no blocking finding.`;
  let why;
  if (s.passed) why = threshold === null ? 'Passed.' : `Passed: ${scoreText} ≥ ${threshold} and nothing blocks.`;
  else {
    const parts = [];
    if (threshold !== null && score !== null && score < threshold) parts.push(`${scoreText} is below the pass threshold ${threshold}`);
    if (blocking.length) parts.push(`blocked by ${blocking.map((b) => `#${b.index + 1} ${words(s.deviations[b.index].type)} (${s.deviations[b.index].severity}): ${b.why}`).join('; ')}`);
    else if (s.breakdown?.blocking_deviations > 0) parts.push(`${s.breakdown.blocking_deviations} blocking finding(s)`);
    why = parts.length ? `Failed: ${parts.join('; ')}.` : 'Failed.';
  }
  return { threshold, blocking, summary: `${why} ${rule}` };
}

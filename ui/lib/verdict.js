// Why a score passed or failed, in words. Pure (no DOM), so it is tested in Node.
//
// Scores carry the server's verdict (`verdict`: rule, reasons, blocking, from the engine and
// the task's rules, as the PDF prints it); the page shows that. Scores made before the server
// recorded it have `verdict` null: for those the page works the reason out from the pass
// threshold and blocking rule the server uses now (GET /ui/scoring-rules).

const RANK = { low: 0, medium: 1, high: 2 };
const words = (t) => String(t).replace(/_/g, ' ');

/**
 * @param {object} s GET /score/:id answer
 * @param {{pass_threshold: number, blocking_severity: Record<string, string|null>}|null} rules GET /ui/scoring-rules (used only when s.verdict is null)
 * @returns {{ passed: boolean, blocking: Array<{index: number, why: string}>, summary: string }} passed = the automatic verdict
 */
export function explainVerdict(s, rules) {
  if (s.verdict) {
    const v = s.verdict;
    const why = v.passed ? `Passed: ${v.score} ≥ ${v.pass_threshold} and nothing blocks.` : `Failed: ${v.reasons.join(' ')}`;
    return { passed: v.passed, blocking: v.blocking.map((index) => ({ index, why: 'this deviation fails the run whatever the score' })), summary: `${why} ${v.rule}` };
  }
  const threshold = rules?.pass_threshold ?? null;
  const blocking = [];
  (s.deviations || []).forEach((d, index) => {
    const min = rules?.blocking_severity?.[d.type];
    if (min && RANK[d.severity] >= RANK[min]) blocking.push({ index, why: `${/^[aeiou]/.test(d.type) ? 'an' : 'a'} ${words(d.type)} of ${min} severity or more fails the run` });
  });
  const passed = s.engine_passed ?? s.passed;
  const score = s.score === null || s.score === undefined ? null : Number(s.score);
  const scoreText = score === null ? '—' : score.toFixed(1);
  const rule = threshold === null ? 'Pass rule: not known to this page.' : `Pass rule: score ≥ ${threshold} and no blocking finding.`;
  let why;
  if (passed) why = threshold === null ? 'Passed.' : `Passed: ${scoreText} ≥ ${threshold} and nothing blocks.`;
  else {
    const parts = [];
    if (threshold !== null && score !== null && score < threshold) parts.push(`${scoreText} is below the pass threshold ${threshold}`);
    if (blocking.length) parts.push(`blocked by ${blocking.map((b) => `#${b.index + 1} ${words(s.deviations[b.index].type)} (${s.deviations[b.index].severity}): ${b.why}`).join('; ')}`);
    else if (s.breakdown?.blocking_deviations > 0) parts.push(`${s.breakdown.blocking_deviations} blocking finding(s)`);
    why = parts.length ? `Failed: ${parts.join('; ')}.` : 'Failed.';
  }
  return { passed, blocking, summary: `${why} ${rule}` };
}

/** The sentence a review adds when it changed the automatic verdict (null when it did not). */
export function reviewNote(s) {
  const r = s.review;
  if (!r || r.decision === 'confirm') return null;
  return `${r.decision === 'override_pass' ? 'Overridden to PASS' : 'Overridden to FAIL'} by ${r.reviewed_by}; the automatic verdict was ${s.engine_passed ? 'PASS' : 'FAIL'}.`;
}

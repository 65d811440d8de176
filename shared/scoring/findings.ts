/**
 * The engine's findings that do not depend on how a step was found (score-visits.ts): an
 * over-time step, a swapped pair, a deviation's severity, the penalties and the verdict.
 */
import type { Deviation, GoldStep, Severity, StepRef, TimeRange } from './types.js';
import type { ScoringOptions } from './options.js';
import type { SwapFinding } from './order.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export const stepRef = (g: GoldStep): StepRef => ({ index: g.index, name: g.name, start_sec: g.start_sec, end_sec: g.end_sec });

/** over_time when the step took overTimeFactor x the gold and overTimeMinExtraSec more; else null. */
export function overTimeFinding(
  g: GoldStep,
  trainee: TimeRange,
  traineeSec: number,
  o: ScoringOptions,
  extraEvidence: Record<string, number> = {},
): Deviation | null {
  const goldSec = g.end_sec - g.start_sec;
  if (!(goldSec > 0)) return null;
  const ratio = traineeSec / goldSec;
  if (ratio < o.overTimeFactor || traineeSec - goldSec < o.overTimeMinExtraSec) return null;
  const severity: Severity = ratio >= o.overTimeHighFactor ? 'high' : ratio >= o.overTimeMediumFactor ? 'medium' : 'low';
  return {
    type: 'over_time',
    severity,
    gold_step: stepRef(g),
    trainee,
    evidence: {
      gold_duration_sec: r3(goldSec),
      trainee_duration_sec: r3(traineeSec),
      duration_ratio: r3(ratio),
      ...extraEvidence,
      threshold_ratio: o.overTimeFactor,
      min_extra_sec: o.overTimeMinExtraSec,
      medium_from_ratio: o.overTimeMediumFactor,
      high_from_ratio: o.overTimeHighFactor,
    },
    message: `${g.name} took ${traineeSec.toFixed(1)} s against ${goldSec.toFixed(1)} s in the gold (${ratio.toFixed(2)}x, limit ${o.overTimeFactor}x).`,
  };
}

/** step_deviation severity of a step's quality below deviationQuality (low, medium, high). */
export function deviationSeverity(q: number, o: ScoringOptions): Severity {
  return q >= o.deviationMediumQuality ? 'low' : q >= o.deviationHighQuality ? 'medium' : 'high';
}

/** One order_swap: the pair's gold steps and where the trainee did each. */
export function swapFinding(w: SwapFinding, a: GoldStep, b: GoldStep, ra: TimeRange, rb: TimeRange, o: ScoringOptions): Deviation {
  return {
    type: 'order_swap',
    severity: w.partners.length >= o.swapHighDisplacement ? 'high' : 'medium',
    gold_step: stepRef(a),
    other_step: stepRef(b),
    trainee: ra,
    evidence: {
      gold_step_trainee_range: [ra.start_sec, ra.end_sec],
      other_step_trainee_range: [rb.start_sec, rb.end_sec],
      moved_step: w.moved,
      inverted_with_steps: w.partners,
      displacement: w.partners.length,
      high_from_displacement: o.swapHighDisplacement,
    },
    message: `${a.name} and ${b.name} were done in the wrong order: ${b.name} at ${rb.start_sec.toFixed(1)}-${rb.end_sec.toFixed(1)} s before ${a.name} at ${ra.start_sec.toFixed(1)}-${ra.end_sec.toFixed(1)} s.`,
  };
}

/**
 * Score = base (0..100) minus each deviation's penalty, rounded to 0.1; passed when the score
 * reaches passThreshold and no deviation is at or above its type's blocking severity. Writes
 * penalty_<type>, penalty_total, score and blocking_deviations into breakdown.
 */
export function verdict(base: number, deviations: Deviation[], o: ScoringOptions, breakdown: Record<string, number>): { score: number; passed: boolean } {
  let penalty = 0;
  for (const d of deviations) {
    const p = o.penalties[d.type][d.severity];
    penalty += p;
    breakdown[`penalty_${d.type}`] = (breakdown[`penalty_${d.type}`] ?? 0) + p;
  }
  breakdown.penalty_total = penalty;
  const score = Math.round(Math.max(0, Math.min(100, base - penalty)) * 10) / 10;
  breakdown.score = score;
  const rank: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
  const blocking = deviations.filter((d) => {
    const b = o.blockingSeverity[d.type];
    return b !== null && rank[d.severity] >= rank[b];
  }).length;
  breakdown.blocking_deviations = blocking;
  return { score, passed: score >= o.passThreshold && blocking === 0 };
}

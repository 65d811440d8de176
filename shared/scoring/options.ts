/**
 * Every weight and threshold of the scoring engine (the visits method, score-visits.ts), with
 * defaults. docs/scoring.md explains each. Similarities are cosine (1 - cosine distance).
 * Deviation thresholds are on a *match quality* q = similarity / L, L the pair's level (the
 * median step similarity of this trainee, never below visitLevelFloor x the gold's
 * consecutive-row similarity): q ~ 1 is "as good as this run's typical step", which keeps the
 * thresholds independent of the embedding model's similarity scale.
 */
import type { DeviationType, Severity } from './types.js';
import type { StepToleranceSet } from './step-tolerances.js';

export interface ScoringOptions {
  /** visits: the pair's level is never taken below this fraction of the gold's consecutive-row similarity. */
  visitLevelFloor: number;
  /** visits: a trainee row less alike than this fraction of the level is dropped (idle, foreign footage). */
  visitDropLevel: number;
  /**
   * visits: a jump back in the gold costs this fraction of the gold's median step duration, in rows
   * at the level's similarity: a step done out of order is recognised once it is a fair part of a
   * typical step of this procedure, whatever the procedure's pace.
   */
  visitJumpFraction: number;
  /**
   * visits: the pair level of this gold's runs that a reviewer accepted (median; set by the score
   * job when there are at least visitAcceptedMinRuns), and how many. With it, L is never taken
   * below visitAcceptedFraction of it: a run that matches the gold less than accepted runs do
   * cannot calibrate itself to look right.
   */
  visitAcceptedLevel?: number;
  visitAcceptedRuns?: number;
  visitAcceptedFraction: number;
  visitAcceptedMinRuns: number;
  /**
   * visits: each step is judged against the run's level times its own baseline relative to the
   * median step's (the mean cosine of the gold step's consecutive rows; score-visits.ts
   * stepBaselines). false: every step against the run's level alone.
   */
  visitStepBaseline: boolean;
  /**
   * visits: idle lead-in / tail (idle.ts): a row at the outer edge of the first or last visit
   * whose cosine with its neighbour is >= idleSimilarity and above the gold's idleGoldPercentile
   * consecutive cosine is no step's time. 1 = off.
   */
  idleSimilarity: number;
  idleGoldPercentile: number;
  /**
   * visits: per-step tolerances learned from this gold's accepted runs (step-tolerances.ts; set by
   * the score job from the gold's current step model): a step's own over_time limit and expected
   * quality. A step's quality is judged as q / max(expected, stepQualityFloor): no step is forgiven
   * entirely, whatever accepted runs reached on it.
   */
  stepTolerances?: StepToleranceSet;
  stepQualityFloor: number;
  /** visits: a visit counts when it lasts at least this fraction of the gold step. */
  visitMinFraction: number;
  /** visits: another visit at least this alike (x level) is a rework. */
  visitReworkQuality: number;
  /** Subtract the gold's mean clip vector from both videos before taking cosines (center.ts). */
  centerOnGold: boolean;
  /** The caller already centred both inputs on the gold mean (centerOnGold semantics, no copy). */
  preCentered?: boolean;
  /**
   * The footage shows the gold's procedure when breakdown.median_step_quality (the pair's level
   * over the gold's consecutive similarity) is at least this: the align stage then calls a trainee
   * whose camera did not register a camera change, not another scene (score-jobs/compute.ts).
   */
  medianFloor: number;
  /** quality below this (but present): step_deviation; severities at the next two thresholds. */
  deviationQuality: number;
  deviationMediumQuality: number;
  deviationHighQuality: number;
  /** Two steps count as out of order only if their trainee segments overlap by at most this fraction of the shorter. */
  swapMaxOverlap: number;
  /** A moved step that jumped over at least this many steps gives a high-severity swap (else medium). */
  swapHighDisplacement: number;
  /** over_time when trainee/gold duration >= overTimeFactor and the extra time >= overTimeMinExtraSec. */
  overTimeFactor: number;
  overTimeMinExtraSec: number;
  overTimeMediumFactor: number;
  overTimeHighFactor: number;
  /** Points subtracted per deviation, by type and severity. */
  penalties: Record<DeviationType, Record<Severity, number>>;
  /**
   * passed = score >= passThreshold and no deviation at or above its type's blocking severity.
   * A procedure violation (a step left out, steps done in the wrong order, a step clearly done
   * differently or far too slowly) fails the performance whatever the score; null = never blocks.
   */
  passThreshold: number;
  blockingSeverity: Record<DeviationType, Severity | null>;
}

export const DEFAULT_SCORING_OPTIONS: Readonly<ScoringOptions> = Object.freeze<ScoringOptions>({
  visitLevelFloor: 0.3,
  visitDropLevel: 0.4,
  visitJumpFraction: 0.25,
  visitStepBaseline: true,
  visitMinFraction: 0.3,
  idleSimilarity: 0.95,
  idleGoldPercentile: 0.9,
  visitAcceptedFraction: 1,
  visitAcceptedMinRuns: 3,
  stepQualityFloor: 0.6,
  visitReworkQuality: 0.7,
  centerOnGold: true,
  medianFloor: 0.5,
  deviationQuality: 0.8,
  deviationMediumQuality: 0.65,
  deviationHighQuality: 0.5,
  swapMaxOverlap: 0.5,
  swapHighDisplacement: 2,
  overTimeFactor: 1.5,
  overTimeMinExtraSec: 2,
  overTimeMediumFactor: 2,
  overTimeHighFactor: 3,
  penalties: {
    missing_step: { low: 8, medium: 15, high: 25 },
    order_swap: { low: 5, medium: 10, high: 20 },
    step_deviation: { low: 4, medium: 8, high: 15 },
    over_time: { low: 2, medium: 5, high: 10 },
    rework: { low: 3, medium: 6, high: 10 },
  },
  passThreshold: 70,
  blockingSeverity: { missing_step: 'medium', order_swap: 'medium', step_deviation: 'medium', over_time: 'low', rework: 'medium' },
});

/** Defaults overlaid with the given options (penalties merged per type). */
export function resolveScoringOptions(o: Partial<ScoringOptions> = {}): ScoringOptions {
  const penalties = { ...DEFAULT_SCORING_OPTIONS.penalties };
  for (const [k, v] of Object.entries(o.penalties ?? {}) as Array<[DeviationType, Record<Severity, number>]>) {
    penalties[k] = { ...penalties[k], ...v };
  }
  return { ...DEFAULT_SCORING_OPTIONS, ...o, penalties, blockingSeverity: { ...DEFAULT_SCORING_OPTIONS.blockingSeverity, ...(o.blockingSeverity ?? {}) } };
}

/** Options that have no default (set by the caller, or the score job): the keys listed, one each. */
type OptionalKey = { [K in keyof ScoringOptions]-?: undefined extends ScoringOptions[K] ? K : never }[keyof ScoringOptions];
const OPTIONAL_KEYS: Record<OptionalKey, true> = { visitAcceptedLevel: true, visitAcceptedRuns: true, preCentered: true, stepTolerances: true };

/** Keys of an options object that are no scoring option (a misspelling, or one since removed). */
export function unknownScoringOptions(o: object): string[] {
  return Object.keys(o).filter((k) => !Object.hasOwn(DEFAULT_SCORING_OPTIONS, k) && !Object.hasOwn(OPTIONAL_KEYS, k));
}

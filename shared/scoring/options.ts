/**
 * Every weight and threshold of the scoring engine, with defaults. docs/scoring.md explains each.
 * Similarities are cosine (1 - cosine distance). Deviation thresholds are on a *match quality*:
 * - method 'visits' (default): q = similarity / L, L the pair's level (the median step similarity
 *   of this trainee, never below visitLevelFloor x the gold's consecutive-row similarity);
 * - method 'profile': q = (similarity - floor) / (baseline - floor), baseline how similar the gold
 *   step is to itself (adjacent clips), floor how well the best *other* gold content matches it.
 * q ~ 1 is "as good as a correct step", q ~ 0 "no better than unrelated content", which keeps
 * the thresholds independent of the embedding model's similarity scale.
 */
import type { DtwVariant } from '../alignment/types.js';
import type { DeviationType, Severity } from './types.js';
import type { StepToleranceSet } from './step-tolerances.js';

export interface ScoringOptions {
  /**
   * 'profile': per-step best matches judged against the gold's own profile (score.ts).
   * 'visits': one alignment with drops and jumps back, judged against this pair's level (score-visits.ts).
   */
  method: 'profile' | 'visits';
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
  /** Variant of the gold-vs-trainee alignment; open_begin_end tolerates a late start / early stop. */
  globalVariant: DtwVariant;
  /** Optional Sakoe-Chiba band for the global alignment (cells); undefined = none. */
  band?: number;
  /** Subtract the gold's mean clip vector from both videos before taking cosines (center.ts). */
  centerOnGold: boolean;
  /** The caller already centred both inputs on the gold mean (centerOnGold semantics, no copy). */
  preCentered?: boolean;
  /** Smallest baseline - floor used as the quality denominator (similarity units). */
  minContrast: number;
  /** Floor used when the gold has a single step (nothing else to compare with). */
  defaultFloor: number;
  /**
   * Divide each step's quality by the median step quality of this trainee when that median is
   * below 1 (camera moved, different lighting: every step a little less similar), but never by
   * less than medianFloor, so an unrelated video cannot calibrate itself to look right.
   */
  calibrateToMedian: boolean;
  medianFloor: number;
  /**
   * View compensation (view-offset.ts) for a camera that moved a little: rounds of estimating and
   * removing the trainee's offset from matched content (0 = off), the fraction of best-matching
   * gold clips the estimate uses, and the offset norm below which nothing is corrected. A round
   * updates the cost matrix from two matrix-vector products (no second GEMM).
   */
  viewCompensationIterations: number;
  viewKeepFraction: number;
  viewMinOffset: number;
  /** ...and only when the median step quality is below this (a trainee that already matches needs none). */
  viewCompensationBelow: number;
  /**
   * The align stage also tries the gold's synthetic camera views (SOPILOT_GOLD_VIEWS) when the
   * median step quality, after view compensation, is still above 0 but below this: a camera
   * moved too far for an offset to fix. Milder cases keep the gold as filmed.
   */
  goldViewBelow: number;
  /**
   * Idle lead-in / tail (idle.ts): a clip at the outer edge of the first or last step whose cosine
   * with its neighbour is >= idleSimilarity and above the gold's idleGoldPercentile consecutive
   * cosine is not counted in that step's duration. 1 = off.
   */
  idleSimilarity: number;
  idleGoldPercentile: number;
  /** quality below this: missing_step; below missingHighQuality: high severity (else medium). */
  missingQuality: number;
  /**
   * A step below missingQuality whose two neighbours were found in order with unclaimed trainee
   * time between them of at least this fraction of the step's gold duration was done, but
   * differently (step_deviation, high): a left-out step leaves no such slot.
   */
  deviationSlotRatio: number;
  missingHighQuality: number;
  /** quality below this (but present): step_deviation; severities at the next two thresholds. */
  deviationQuality: number;
  deviationMediumQuality: number;
  deviationHighQuality: number;
  /** A trainee clip extends a step's matched segment while its quality against that edge of the step is at least this. */
  extendQuality: number;
  /** Second visit of a step: quality at least this, and covering at least reworkMinCoverage of the gold step's clips. */
  reworkQuality: number;
  reworkMinCoverage: number;
  /** ...and overlapping another step's segment by at most this fraction of its own span. */
  reworkMaxOverlap: number;
  /** Two steps count as out of order only if their trainee segments overlap by at most this fraction of the shorter. */
  swapMaxOverlap: number;
  /** A moved step that jumped over at least this many steps gives a high-severity swap (else medium). */
  swapHighDisplacement: number;
  /** over_time when trainee/gold duration >= overTimeFactor and the extra time >= overTimeMinExtraSec. */
  overTimeFactor: number;
  overTimeMinExtraSec: number;
  overTimeMediumFactor: number;
  overTimeHighFactor: number;
  /** Alignment quality mapped linearly to 0..100: alignZeroQuality -> 0, alignFullQuality -> 100. */
  alignZeroQuality: number;
  alignFullQuality: number;
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
  method: 'visits',
  visitLevelFloor: 0.3,
  visitDropLevel: 0.4,
  visitJumpFraction: 0.25,
  visitMinFraction: 0.3,
  visitAcceptedFraction: 1,
  visitAcceptedMinRuns: 3,
  stepQualityFloor: 0.6,
  visitReworkQuality: 0.7,
  globalVariant: 'open_begin_end',
  band: undefined,
  centerOnGold: true,
  minContrast: 0.05,
  defaultFloor: 0,
  calibrateToMedian: true,
  medianFloor: 0.5,
  viewCompensationIterations: 2,
  viewKeepFraction: 0.5,
  viewMinOffset: 0.02,
  viewCompensationBelow: 0.9,
  goldViewBelow: 0.6,
  idleSimilarity: 0.95,
  idleGoldPercentile: 0.9,
  missingQuality: 0.35,
  deviationSlotRatio: 0.4,
  missingHighQuality: 0.2,
  deviationQuality: 0.8,
  deviationMediumQuality: 0.65,
  deviationHighQuality: 0.5,
  extendQuality: 0.6,
  reworkQuality: 0.7,
  reworkMinCoverage: 0.4,
  reworkMaxOverlap: 0.5,
  swapMaxOverlap: 0.5,
  swapHighDisplacement: 2,
  overTimeFactor: 1.5,
  overTimeMinExtraSec: 2,
  overTimeMediumFactor: 2,
  overTimeHighFactor: 3,
  alignZeroQuality: 0,
  alignFullQuality: 0.9,
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

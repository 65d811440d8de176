/**
 * Per-step tolerances learned from a gold's reviewer-accepted runs (no I/O; docs/scoring.md,
 * "Per-step tolerances learned from accepted runs"). The fit reads the step rows of accepted
 * runs (duration_ratio, match_quality q) and gives, per gold step with at least minRuns done
 * observations:
 * - an over_time limit: max(baseRatio, min(median + k x spread, capFactor x slowest accepted));
 *   the learned limit only loosens the default, and never beyond what a reviewer actually let
 *   pass (plus capFactor for clip quantisation);
 * - an expected quality: the median q, at most 1 (a step never gets stricter than the default).
 * Scoring (score-visits.ts) judges q / max(expected, stepQualityFloor): a step accepted runs
 * always match weakly is judged against what they reach, but no step is forgiven entirely.
 */
import type { ScoringOptions } from './options.js';
import type { StepRow } from './types.js';
import { median } from './stats.js';

/** MAD x this estimates the standard deviation of normally distributed data. */
const MAD_TO_SD = 1.4826;

export interface StepFitParams {
  /** Observations a step needs for a learned tolerance (ScoringOptions.visitAcceptedMinRuns). */
  minRuns: number;
  /** The default over_time ratio (ScoringOptions.overTimeFactor): a learned limit is never below it. */
  baseRatio: number;
  /** Spreads above the median accepted duration ratio the limit sits at. */
  k: number;
  /** The limit never exceeds capFactor x the slowest accepted ratio of the step. */
  capFactor: number;
  /** The duration spread is at least this fraction of the median (identical runs have MAD 0). */
  minSpreadFraction: number;
}

export const DEFAULT_STEP_FIT: Readonly<StepFitParams> = Object.freeze({ minRuns: 3, baseRatio: 1.5, k: 3, capFactor: 1.1, minSpreadFraction: 0.05 });

/** The fit's parameters under these scoring options: their over_time default and accepted-run minimum. */
export const stepFitParams = (o: Pick<ScoringOptions, 'overTimeFactor' | 'visitAcceptedMinRuns'>): StepFitParams => ({ ...DEFAULT_STEP_FIT, baseRatio: o.overTimeFactor, minRuns: o.visitAcceptedMinRuns });

/** One accepted run's step row, as stored in scores.result.steps. */
export interface RunStepRow {
  index: number;
  gold: { start_sec: number; end_sec: number };
  duration_ratio: number | null;
  match_quality?: number | null;
}

export interface FittedStep {
  index: number;
  /** The gold step's time range the observations were made against (a re-cut step starts afresh). */
  gold_start_sec: number;
  gold_end_sec: number;
  n: number;
  duration_ratio: { median: number; spread: number; max: number } | null;
  match_quality: { median: number; spread: number } | null;
  /** Learned tolerances, only when n >= minRuns. */
  over_time_ratio?: number;
  expected_quality?: number;
}

export interface StepModelFit {
  params: StepFitParams;
  runs: number;
  steps: FittedStep[];
}

/** What the engine takes (ScoringOptions.stepTolerances): the steps that have a learned tolerance. */
export interface StepTolerance {
  index: number;
  /** Accepted observations of this step. */
  runs: number;
  overTimeRatio?: number;
  expectedQuality?: number;
}
export interface StepToleranceSet {
  version: number;
  /** Accepted runs the model was fitted from. */
  runs: number;
  steps: StepTolerance[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Median absolute deviation x 1.4826 (0 for fewer than two values). */
export function robustSpread(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  return MAD_TO_SD * median(xs.map((x) => Math.abs(x - m)));
}

const sameRange = (a: { start_sec: number; end_sec: number }, b: { start_sec: number; end_sec: number }) =>
  Math.abs(a.start_sec - b.start_sec) < 1e-3 && Math.abs(a.end_sec - b.end_sec) < 1e-3;

/**
 * Fits the gold's steps (index, current time range) from accepted runs' step rows. A row counts
 * for a step when it was made against the same gold time range and the step was done (a
 * duration ratio): a left-out step says nothing about how long or how well it is done.
 */
export function fitStepTolerances(
  goldSteps: Array<{ index: number; start_sec: number; end_sec: number }>,
  runs: RunStepRow[][],
  params: StepFitParams = DEFAULT_STEP_FIT,
): StepModelFit {
  const steps = goldSteps.map((g): FittedStep => {
    const rows = runs.flatMap((r) => r.filter((s) => s.index === g.index && sameRange(s.gold, g) && finite(s.duration_ratio)));
    const ratios = rows.map((s) => s.duration_ratio as number);
    const qs = rows.map((s) => s.match_quality).filter(finite);
    const out: FittedStep = {
      index: g.index,
      gold_start_sec: g.start_sec,
      gold_end_sec: g.end_sec,
      n: rows.length,
      duration_ratio: ratios.length ? { median: r3(median(ratios)), spread: r3(robustSpread(ratios)), max: r3(Math.max(...ratios)) } : null,
      match_quality: qs.length ? { median: r3(median(qs)), spread: r3(robustSpread(qs)) } : null,
    };
    if (rows.length < params.minRuns) return out;
    const m = median(ratios);
    const spread = Math.max(robustSpread(ratios), params.minSpreadFraction * m);
    out.over_time_ratio = r3(Math.max(params.baseRatio, Math.min(m + params.k * spread, params.capFactor * Math.max(...ratios))));
    if (qs.length >= params.minRuns) out.expected_quality = r3(Math.min(1, median(qs)));
    return out;
  });
  return { params: { ...params }, runs: runs.length, steps };
}

/** The engine's view of a stored fit: learned steps whose gold time range is still the gold's. */
export function toleranceSet(
  fit: StepModelFit,
  version: number,
  goldSteps: Array<{ index: number; start_sec: number; end_sec: number }>,
): StepToleranceSet {
  const current = new Map(goldSteps.map((g) => [g.index, g]));
  const steps = fit.steps.flatMap((s): StepTolerance[] => {
    const g = current.get(s.index);
    if (!g || !sameRange({ start_sec: s.gold_start_sec, end_sec: s.gold_end_sec }, g)) return [];
    if (s.over_time_ratio === undefined && s.expected_quality === undefined) return [];
    return [{ index: s.index, runs: s.n, overTimeRatio: s.over_time_ratio, expectedQuality: s.expected_quality }];
  });
  return { version, runs: fit.runs, steps };
}

/** One step as score-visits.ts judges it: quality and over_time limits after its learned tolerance. */
export interface StepJudgement {
  /** The quality deviations and the step score are judged on (q itself without a tolerance). */
  q: number;
  /** Options with this step's over_time limits. */
  o: ScoringOptions;
  /** Evidence fields for a step_deviation / an over_time on this step ({} without a tolerance). */
  qualityEvidence: Record<string, number>;
  timeEvidence: Record<string, number>;
  /** The step row's `tolerance` (undefined without one). */
  row?: NonNullable<StepRow['tolerance']>;
}

/**
 * Applies step `index`'s learned tolerance to its quality q and the over_time limits. The
 * over_time ladder (medium, high) is scaled by the same factor as the limit, so a learned limit
 * of 2.1x gives medium from 2.8x and high from 4.2x.
 */
export function judgeStep(o: ScoringOptions, index: number, q: number): StepJudgement {
  const set = o.stepTolerances;
  const t = set?.steps.find((s) => s.index === index);
  if (!set || !t) return { q, o, qualityEvidence: {}, timeEvidence: {} };
  const expected = t.expectedQuality === undefined ? undefined : Math.max(t.expectedQuality, o.stepQualityFloor);
  const adjusted = expected === undefined ? q : q / expected;
  const limit = t.overTimeRatio === undefined ? o.overTimeFactor : Math.max(o.overTimeFactor, t.overTimeRatio);
  const scale = limit / o.overTimeFactor;
  const so = scale === 1 ? o : { ...o, overTimeFactor: r3(limit), overTimeMediumFactor: r3(o.overTimeMediumFactor * scale), overTimeHighFactor: r3(o.overTimeHighFactor * scale) };
  const model = { step_model_version: set.version, step_model_runs: t.runs };
  return {
    q: adjusted,
    o: so,
    qualityEvidence: expected === undefined ? {} : { ...model, expected_quality: r3(expected), adjusted_match_quality: r3(adjusted) },
    timeEvidence: t.overTimeRatio === undefined ? {} : { ...model, default_threshold_ratio: o.overTimeFactor },
    row: { model_version: set.version, runs: t.runs, over_time_ratio: r3(limit), expected_quality: expected === undefined ? null : r3(expected), adjusted_match_quality: r3(adjusted) },
  };
}

/** breakdown fields: which step model the score used ({} for none). */
export function toleranceBreakdown(o: ScoringOptions): Record<string, number> {
  const set = o.stepTolerances;
  return set ? { step_model_version: set.version, step_model_runs: set.runs, step_model_steps: set.steps.length } : {};
}

/**
 * The scoring engine's entry: gold vs trainee clip embeddings -> 0-100 score, typed deviations
 * with time ranges and evidence, a per-step table and the alignment path. It checks the input,
 * centres both videos on the gold's mean (center.ts) and scores them by the visits method
 * (score-visits.ts; docs/scoring.md has the reasoning). A camera that moved is the caller's to
 * handle: the score job registers the trainee into the gold's camera first (score-jobs/register.ts).
 */
import type { Matrix } from '../alignment/types.js';
import type { ClipTimes, GoldStep, ScoreOutcome } from './types.js';
import { REFERENCE_BACKEND, type ScoringBackend } from './backend.js';
import { resolveScoringOptions, type ScoringOptions } from './options.js';
import { centerRows, rowMean } from './center.js';
import { scoreVisits } from './score-visits.js';

export interface ScoreInput {
  gold: Matrix;
  goldTimes: ClipTimes;
  goldSteps: GoldStep[];
  trainee: Matrix;
  traineeTimes: ClipTimes;
  /** The cost matrix (default: the TypeScript reference). Pass the native one for speed. */
  backend?: ScoringBackend;
  /** goldConsecutiveRows(gold) (score-visits.ts) when the caller has it; ignored when the gold is centred here. */
  goldConsecutive?: number[];
}

export function scoreAlignment(input: ScoreInput, options: Partial<ScoringOptions> = {}): ScoreOutcome {
  const o = resolveScoringOptions(options);
  const n = input.gold.rows;
  const m = input.trainee.rows;
  if (n <= 0 || m <= 0) throw new RangeError(`scoring: empty input (gold ${n} clips, trainee ${m} clips)`);
  if (input.traineeTimes.start_sec.length < m || input.traineeTimes.end_sec.length < m) {
    throw new RangeError(`scoring: trainee has ${m} clips but fewer clip times`);
  }
  checkSteps(input.goldSteps, n);
  let gold = input.gold;
  let trainee = input.trainee;
  if (o.centerOnGold && !o.preCentered) {
    const mean = rowMean(input.gold);
    gold = centerRows(input.gold, mean);
    trainee = centerRows(input.trainee, mean);
  }
  return scoreVisits({ gold, trainee, goldSteps: input.goldSteps, traineeTimes: input.traineeTimes, backend: input.backend ?? REFERENCE_BACKEND,
    // The caller's consecutive cosines are of input.gold: still valid unless it was centred here.
    ...(gold === input.gold && input.goldConsecutive ? { goldConsecutive: input.goldConsecutive } : {}) }, o);
}

function checkSteps(steps: GoldStep[], n: number): void {
  if (steps.length === 0) throw new RangeError('scoring: gold has no steps');
  let prev = 0;
  for (const s of steps) {
    if (s.start_clip !== prev || s.end_clip <= s.start_clip || s.end_clip > n) {
      throw new RangeError(`scoring: gold steps must tile [0, ${n}) in order; bad step ${s.index} [${s.start_clip}, ${s.end_clip})`);
    }
    prev = s.end_clip;
  }
  if (prev !== n) throw new RangeError(`scoring: gold steps end at clip ${prev}, gold has ${n} clips`);
}

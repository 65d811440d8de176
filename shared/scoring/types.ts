/** Shapes of a score result, as GET /score/:id answers them (see docs/api.md). */

export type DeviationType = 'missing_step' | 'order_swap' | 'step_deviation' | 'over_time' | 'rework';
export type Severity = 'low' | 'medium' | 'high';

export interface StepRef {
  index: number;
  name: string;
  start_sec: number;
  end_sec: number;
}

export interface TimeRange {
  start_sec: number;
  end_sec: number;
}

export interface Deviation {
  type: DeviationType;
  severity: Severity;
  gold_step: StepRef | null;
  /** For order_swap: the other step of the pair. */
  other_step?: StepRef | null;
  trainee: TimeRange | null;
  evidence: Record<string, number | string | boolean | number[] | null>;
  message: string;
}

export interface StepRow {
  index: number;
  name: string;
  gold: TimeRange & { start_clip: number; end_clip: number };
  trainee: (TimeRange & { start_clip: number; end_clip: number }) | null;
  mean_similarity: number | null;
  /** Match quality: 1 = as in the gold, 0 = no better than unrelated content (after calibration). */
  match_quality?: number | null;
  duration_ratio: number | null;
  /** visits: this step's learned tolerance (step-tolerances.ts), when the gold's step model has one; match_quality stays uncalibrated by it. */
  tolerance?: { model_version: number; runs: number; over_time_ratio: number; expected_quality: number | null; adjusted_match_quality: number };
}

/** A gold step as stored: clip range inclusive-exclusive [start_clip, end_clip). */
export interface GoldStep {
  index: number;
  name: string;
  start_clip: number;
  end_clip: number;
  start_sec: number;
  end_sec: number;
}

export interface ScoreOutcome {
  score: number; // 0-100
  passed: boolean;
  deviations: Deviation[];
  steps: StepRow[];
  path: Array<[number, number]>; // [gold_clip, trainee_clip]
  /** Named numbers behind the score: normalised cost, penalty per deviation, etc. */
  breakdown: Record<string, number>;
  /** How the trainee's camera differs from the gold's (perception/registration.ts), when measured. */
  camera?: import('../perception/registration.js').CameraChange | null;
  /** A plain-words statement that qualifies the whole result (e.g. another scene than the gold's). */
  notice?: string | null;
}

/** Per-clip times in seconds, clip i spans [start_sec[i], end_sec[i]). */
export interface ClipTimes {
  start_sec: ArrayLike<number>;
  end_sec: ArrayLike<number>;
}

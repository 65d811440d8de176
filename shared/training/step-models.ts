/**
 * A gold's step model: per-step tolerances fitted from its reviewer-accepted runs
 * (scoring/step-tolerances.ts), stored as versions in `step_models` (migration 005). The newest
 * version is the current one. nightly-train fits; the score job reads (compute.ts alignVideos).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';
import { canonicalJson, appendAudit } from '../audit/index.js';
import { acceptedRunSteps, SAME_SPACE } from '../score-jobs/accepted-level.js';
import { fitStepTolerances, toleranceSet, type StepFitParams, type StepModelFit, type StepToleranceSet } from '../scoring/step-tolerances.js';
import type { GoldStep } from '../scoring/types.js';
import { isoTime } from '../db/rows.js';

export interface StoredStepModel extends StepModelFit {
  /** The gold's consecutive-row similarity the accepted runs were scored at (their vector space). */
  gold_consecutive_similarity: number;
  /** The accepted runs it was fitted from, newest first. */
  score_ids: string[];
}

export interface StepModelRow {
  gold_video_id: string;
  version: number;
  task_id: string | null;
  model: StoredStepModel;
  runs: number;
  input_hash: string;
  created_by: string | null;
  created_at: string;
}

const parse = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

/** The gold's current (newest) step model, or null. */
export async function latestStepModel(db: Db, goldVideoId: string): Promise<StepModelRow | null> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM step_models WHERE gold_video_id = $1 ORDER BY version DESC LIMIT 1', [goldVideoId]);
  const row = r.rows[0];
  return row ? ({ ...row, version: Number(row.version), runs: Number(row.runs), model: parse<StoredStepModel>(row.model), created_at: isoTime(row.created_at)! } as StepModelRow) : null;
}

/**
 * Fits the gold's step model from its accepted runs and stores it as a new version, with an
 * audit entry (step_model.fit), unless it equals the current version (same runs, same steps,
 * same parameters: a retried or repeated fit does nothing). A gold with no accepted run and no
 * model yet stores nothing: the defaults apply.
 */
export async function fitGoldStepModel(
  db: Db,
  gold: { id: string; task_id: string | null; steps: GoldStep[] },
  params: StepFitParams,
  subject: string,
): Promise<{ version: number; created: boolean; runs: number; learned: number } | { skipped: string }> {
  const accepted = await acceptedRunSteps(db, gold.id);
  const current = await latestStepModel(db, gold.id);
  if (!accepted && !current) return { skipped: 'no accepted runs' };
  const fit = fitStepTolerances(gold.steps, accepted?.runs.map((r) => r.steps) ?? [], params);
  const model: StoredStepModel = { ...fit, gold_consecutive_similarity: accepted?.goldConsecutive ?? 0, score_ids: accepted?.runs.map((r) => r.score_id) ?? [] };
  const hash = createHash('sha256').update(canonicalJson(model)).digest('hex');
  const learned = fit.steps.filter((s) => s.over_time_ratio !== undefined || s.expected_quality !== undefined).length;
  if (current?.input_hash === hash) return { version: current.version, created: false, runs: fit.runs, learned };
  const version = (current?.version ?? 0) + 1;
  // (gold, version) is the key: a concurrent fit of the same gold fails here and its retry finds this one.
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO step_models (gold_video_id, version, task_id, model, runs, input_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      gold.id, version, gold.task_id, JSON.stringify(model), fit.runs, hash, subject,
    ]);
    await appendAudit(tx, { subject, role: null, action: 'step_model.fit', target_type: 'video', target_id: gold.id, outcome: 'ok', details: { version, task_id: gold.task_id, runs: fit.runs, learned_steps: learned } });
  });
  return { version, created: true, runs: fit.runs, learned };
}

/**
 * The engine's tolerances from the gold's current model, when it was fitted in the vector space
 * the gold is scored in now (same consecutive-row similarity, as accepted-level.ts) and only for
 * steps whose time range is unchanged; null when nothing applies.
 */
export async function currentStepTolerances(db: Db, goldVideoId: string, goldConsecutive: number, steps: GoldStep[]): Promise<StepToleranceSet | null> {
  const row = await latestStepModel(db, goldVideoId);
  if (!row || !row.model.runs || Math.abs(row.model.gold_consecutive_similarity - goldConsecutive) >= SAME_SPACE) return null;
  const set = toleranceSet(row.model, row.version, steps);
  return set.steps.length ? set : null;
}

// What a correct run of this gold looks like, from runs a reviewer accepted: the pair level (the
// median step similarity, score-visits.ts) of this gold's reviewed runs that pass after review,
// scored in the gold's current vector space (the same consecutive-row similarity of the gold:
// a re-embedded gold starts afresh). The engine reads it as a floor on the level of a new run.
import type { Db } from '../db/index.js';
import type { RunStepRow } from '../scoring/step-tolerances.js';

/**
 * A score row that is an accepted run (SQL condition on `scores`): completed, passed after review
 * (a confirmed pass or an override to pass), scored by the visits method. The one definition both
 * the level floor here and the step models (shared/training/step-models.ts) learn from.
 */
export const ACCEPTED_RUN = `status = 'completed'
  AND (review_decision = 'override_pass' OR (review_decision = 'confirm' AND passed))
  AND result->'breakdown'->>'method_visits' = '1'`;
/**
 * Two scores were made in the same vector space when their gold's consecutive-row similarity
 * (stored rounded to 3 decimals) agrees to within this: a re-embedded gold starts afresh.
 */
export const SAME_SPACE = 0.0005;
/** How many of the newest accepted runs count. */
export const ACCEPTED_RUNS_LIMIT = 50;

/** Levels of the latest (up to 50) accepted runs of this gold, newest first. */
export async function acceptedLevels(db: Db, goldVideoId: string, goldConsecutive: number): Promise<number[]> {
  const r = await db.query<{ level: number }>(
    `SELECT (result->'breakdown'->>'pair_level_similarity')::float8 AS level FROM scores
      WHERE gold_video_id = $1 AND ${ACCEPTED_RUN}
        AND abs((result->'breakdown'->>'gold_consecutive_similarity')::float8 - $2) < ${SAME_SPACE}
      ORDER BY reviewed_at DESC LIMIT ${ACCEPTED_RUNS_LIMIT}`,
    [goldVideoId, goldConsecutive],
  );
  return r.rows.map((x) => Number(x.level)).filter((x) => Number.isFinite(x));
}

/**
 * The step rows of this gold's newest accepted runs in one vector space: the newest accepted
 * run's (the gold's current one unless it was re-embedded since; the engine checks), newest first.
 */
export async function acceptedRunSteps(db: Db, goldVideoId: string): Promise<{ goldConsecutive: number; runs: Array<{ score_id: string; steps: RunStepRow[] }> } | null> {
  const r = await db.query<{ id: string; gc: number; steps: RunStepRow[] | string | null }>(
    `SELECT id, (result->'breakdown'->>'gold_consecutive_similarity')::float8 AS gc, result->'steps' AS steps FROM scores
      WHERE gold_video_id = $1 AND ${ACCEPTED_RUN}
        AND abs((result->'breakdown'->>'gold_consecutive_similarity')::float8 - (
          SELECT (result->'breakdown'->>'gold_consecutive_similarity')::float8 FROM scores
           WHERE gold_video_id = $1 AND ${ACCEPTED_RUN} ORDER BY reviewed_at DESC NULLS LAST, id LIMIT 1)) < ${SAME_SPACE}
      ORDER BY reviewed_at DESC NULLS LAST, id LIMIT ${ACCEPTED_RUNS_LIMIT}`,
    [goldVideoId],
  );
  if (!r.rows.length) return null;
  const runs = r.rows.map((x) => ({ score_id: x.id, steps: (typeof x.steps === 'string' ? JSON.parse(x.steps) : x.steps ?? []) as RunStepRow[] }));
  return { goldConsecutive: Number(r.rows[0].gc), runs };
}

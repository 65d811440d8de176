// What a correct run of this gold looks like, from runs a reviewer accepted: the pair level (the
// median step similarity, score-visits.ts) of this gold's reviewed runs that pass after review,
// scored in the gold's current vector space (the same consecutive-row similarity of the gold:
// a re-embedded gold starts afresh). The engine reads it as a floor on the level of a new run.
import type { Db } from '../db/index.js';

/** Levels of the latest (up to 50) accepted runs of this gold, newest first. */
export async function acceptedLevels(db: Db, goldVideoId: string, goldConsecutive: number): Promise<number[]> {
  const r = await db.query<{ level: number }>(
    `SELECT (result->'breakdown'->>'pair_level_similarity')::float8 AS level FROM scores
      WHERE gold_video_id = $1 AND status = 'completed'
        AND (review_decision = 'override_pass' OR (review_decision = 'confirm' AND passed))
        AND result->'breakdown'->>'method_visits' = '1'
        AND abs((result->'breakdown'->>'gold_consecutive_similarity')::float8 - $2) < 0.0005
      ORDER BY reviewed_at DESC LIMIT 50`,
    [goldVideoId, goldConsecutive],
  );
  return r.rows.map((x) => Number(x.level)).filter((x) => Number.isFinite(x));
}

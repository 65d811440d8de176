// The visits method's reference from accepted runs (shared/score-jobs/accepted-level.ts), against
// seeded scores in a real Postgres database: only runs a reviewer let pass, of this gold, scored
// by the visits method in the gold's current vector space, count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';
import { acceptedLevels } from '../../shared/score-jobs/accepted-level.js';

let h: TestHost;
let db: Awaited<ReturnType<typeof freshDatabase>>;

/** [score id, gold, passed, review decision, pair level, gold consecutive similarity, method_visits] */
const RUNS: Array<[string, string, boolean, string | null, number, number, number]> = [
  ['s1', 'vid_g', true, 'confirm', 0.42, 0.583, 1],
  ['s2', 'vid_g', false, 'override_pass', 0.40, 0.583, 1],
  ['s3', 'vid_g', true, null, 0.45, 0.583, 1], // not reviewed
  ['s4', 'vid_g', false, 'confirm', 0.20, 0.583, 1], // a confirmed fail
  ['s5', 'vid_g', true, 'override_fail', 0.44, 0.583, 1], // overridden to fail
  ['s6', 'vid_g', true, 'confirm', 0.70, 0.612, 1], // another vector space (the gold re-embedded)
  ['s7', 'vid_g', true, 'confirm', 0.90, 0.583, 0], // scored by the former profile method (no method_visits)
  ['s8', 'vid_other', true, 'confirm', 0.50, 0.583, 1], // another gold
];

before(async () => {
  db = await freshDatabase();
  h = await startTestHost({ SOPILOT_DATABASE_URL: db.url });
  const q = (sql: string, p: unknown[]) => h.ctx.db.query(sql, p);
  await q("INSERT INTO videos (id, task_id, role, status) VALUES ('vid_g', 't', 'gold', 'indexed'), ('vid_other', 't', 'gold', 'indexed'), ('vid_t', 't', 'trainee', 'indexed')", []);
  for (const [i, [id, gold, passed, decision, level, consecutive, visits]] of RUNS.entries()) {
    const breakdown = { pair_level_similarity: level, gold_consecutive_similarity: consecutive, ...(visits ? { method_visits: 1 } : {}) };
    await q(
      `INSERT INTO scores (id, task_id, gold_video_id, trainee_video_id, status, score, passed, result, review_decision, reviewed_at, created_at, completed_at)
       VALUES ($1, 't', $2, 'vid_t', 'completed', 80, $3, $4, $5, $6, now(), now())`,
      [id, gold, passed, JSON.stringify({ breakdown, deviations: [], steps: [], path: [] }), decision, decision ? new Date(Date.UTC(2026, 10, 1 + i)).toISOString() : null],
    );
  }
});
after(async () => {
  await h?.close();
  await db?.drop();
});

test('accepted levels: reviewed runs that pass after review, this gold, the visits method, the same vector space; newest first', async () => {
  assert.deepEqual(await acceptedLevels(h.ctx.db, 'vid_g', 0.583), [0.4, 0.42]);
  assert.deepEqual(await acceptedLevels(h.ctx.db, 'vid_g', 0.612), [0.7]);
  assert.deepEqual(await acceptedLevels(h.ctx.db, 'vid_none', 0.583), []);
});

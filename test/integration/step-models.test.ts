// Step models (shared/training/step-models.ts) against a real Postgres database: nightly-train
// fits a gold's per-step tolerances from its seeded accepted runs into one stored version (a
// retried or repeated tick adds none, a changed review adds one), with an audit entry; the score
// job's read of it (currentStepTolerances) then changes what the visits method finds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';
import { handleNightlyTick } from '../../functions/nightly-train/handler.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { EventType } from '../../shared/events/types.js';
import { saveSteps } from '../../shared/ingest/steps.js';
import { currentStepTolerances, latestStepModel } from '../../shared/training/step-models.js';
import { scoreAlignment } from '../../shared/scoring/score.js';
import { render, type Piece } from '../../shared/scoring/synthetic.js';
import type { ScoreOutcome } from '../../shared/scoring/types.js';
import type { ScoringOptions } from '../../shared/scoring/options.js';
import { makeCase, ofType, scenario, show } from '../helpers/scoring-cases.js';

let h: TestHost;
let db: Awaited<ReturnType<typeof freshDatabase>>;
const c = makeCase(3);
const score = (p: Piece[], o: Partial<ScoringOptions> = {}): ScoreOutcome => {
  const t = render(c.rng, p, c.noise);
  return scoreAlignment({ gold: c.gold.emb, goldTimes: c.gold.times, goldSteps: c.steps, trainee: t.emb, traineeTimes: t.times }, { method: 'visits', ...o });
};
const slow = (f: number) => score(scenario.slowed(c, c.k, f));
const q = (sql: string, p: unknown[] = []) => h.ctx.db.query(sql, p);
const tick = (id?: string) => handleNightlyTick(makeEvent(EventType.nightlyTick, { task_id: 't', at: '2026-11-20T02:00:00Z' }, { id }), h.ctx);
const versions = async () => (await q("SELECT version FROM step_models WHERE gold_video_id = 'vid_g' ORDER BY version")).rows.map((r) => Number(r.version));
const audits = async () => (await q("SELECT details FROM audit_log WHERE action = 'step_model.fit' AND target_id = 'vid_g' ORDER BY id")).rows.map((r) => r.details as Record<string, unknown>);

/** A completed score of vid_g with this outcome and review. */
async function seedScore(id: string, r: ScoreOutcome, decision: string | null, day: number) {
  await q(
    `INSERT INTO scores (id, task_id, gold_video_id, trainee_video_id, status, score, passed, result, review_decision, reviewed_at, created_at, completed_at)
     VALUES ($1, 't', 'vid_g', 'vid_t', 'completed', $2, $3, $4, $5, $6, now(), now())`,
    [id, r.score, r.passed, JSON.stringify({ ...r, path: [] }), decision, decision ? new Date(Date.UTC(2026, 10, day)).toISOString() : null],
  );
}

before(async () => {
  db = await freshDatabase();
  h = await startTestHost({ SOPILOT_DATABASE_URL: db.url });
  await q("INSERT INTO videos (id, task_id, role, status) VALUES ('vid_g', 't', 'gold', 'indexed'), ('vid_g2', 't', 'gold', 'indexed'), ('vid_t', 't', 'trainee', 'indexed')");
  await saveSteps(h.ctx.db, 'vid_g', c.steps, 'manual');
  await saveSteps(h.ctx.db, 'vid_g2', c.steps, 'manual'); // a gold without accepted runs
  // Step k always takes 1.8x in the runs reviewers let pass (the engine failed them: over_time).
  await seedScore('s1', slow(1.8), 'override_pass', 1);
  await seedScore('s2', slow(1.8), 'override_pass', 2);
  await seedScore('s3', slow(1.8), 'override_pass', 3);
  await seedScore('s4', slow(1.8), null, 4); // not reviewed: does not count
  await seedScore('s5', slow(1.8), 'override_fail', 5); // overridden to fail: does not count
});
after(async () => {
  await h?.close();
  await db?.drop();
});

test('nightly-train stores one step model version per gold from its accepted runs; a retried or repeated tick adds none', async () => {
  const before = slow(1.8);
  assert.deepEqual(ofType(before, 'over_time').map((d) => d.gold_step?.index), [c.k], show(before));
  assert.equal(await currentStepTolerances(h.ctx.db, 'vid_g', before.breakdown.gold_consecutive_similarity, c.steps), null, 'no model yet');

  await tick('ev-1');
  await tick('ev-1'); // the same event redelivered
  await tick('ev-2'); // the next night, nothing changed
  assert.deepEqual(await versions(), [1]);
  assert.equal((await q("SELECT 1 FROM step_models WHERE gold_video_id = 'vid_g2'")).rows.length, 0, 'no accepted runs: nothing stored');
  const row = (await latestStepModel(h.ctx.db, 'vid_g'))!;
  assert.equal(row.runs, 3);
  assert.equal(row.task_id, 't');
  assert.deepEqual(row.model.score_ids, ['s3', 's2', 's1']);
  assert.equal(row.model.gold_consecutive_similarity, before.breakdown.gold_consecutive_similarity);
  const sk = row.model.steps[c.k];
  assert.equal(sk.n, 3);
  assert.ok(sk.duration_ratio!.median > 1.6 && sk.over_time_ratio! > sk.duration_ratio!.max && sk.over_time_ratio! <= 1.1 * sk.duration_ratio!.max + 1e-9, JSON.stringify(sk));
  assert.equal(row.model.steps[0].over_time_ratio, 1.5, 'a step done at the gold pace keeps the default');
  const a = await audits();
  assert.equal(a.length, 1);
  assert.deepEqual(a[0], { version: 1, task_id: 't', runs: 3, learned_steps: c.steps.length });
  const jobs = (await q("SELECT status FROM jobs WHERE kind = 'step_model' AND video_id = 'vid_g'")).rows;
  assert.equal(jobs.length, 2, 'one stage per gold and event');
});

test('with the stored model: a 1.8x step is no longer over_time, a 3x one still is and names the model; a new accepted run makes version 2', async () => {
  const gc = slow(1).breakdown.gold_consecutive_similarity;
  const stepTolerances = (await currentStepTolerances(h.ctx.db, 'vid_g', gc, c.steps))!;
  assert.equal(stepTolerances.version, 1);
  assert.equal(await currentStepTolerances(h.ctx.db, 'vid_g', gc + 0.01, c.steps), null, 'another vector space: not applied');
  const after = score(scenario.slowed(c, c.k, 1.8), { stepTolerances });
  assert.equal(ofType(after, 'over_time').length, 0, show(after));
  assert.equal(after.breakdown.step_model_version, 1);
  assert.equal(after.steps[c.k].tolerance?.model_version, 1);
  const far = score(scenario.slowed(c, c.k, 3), { stepTolerances });
  const ot = ofType(far, 'over_time');
  assert.deepEqual(ot.map((d) => d.gold_step?.index), [c.k], show(far));
  assert.deepEqual([ot[0].evidence.step_model_version, ot[0].evidence.step_model_runs], [1, 3]);

  await seedScore('s6', slow(1.8), 'override_pass', 6);
  await tick('ev-3');
  assert.deepEqual(await versions(), [1, 2]);
  assert.equal((await latestStepModel(h.ctx.db, 'vid_g'))!.runs, 4);
  assert.equal((await audits()).length, 2);
});

test('GET /gold/:id/step-model: the current version to a viewer; null before a fit; 401 without a token, 400 for a trainee video', async () => {
  const r = await h.api('/gold/vid_g/step-model', { as: 'viewer' });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { video_id: string; model: { version: number; runs: number; steps: Array<{ index: number; over_time_ratio?: number }> } };
  assert.equal(body.model.version, 2);
  assert.equal(body.model.runs, 4);
  assert.ok(body.model.steps[c.k].over_time_ratio! > 1.8);
  assert.deepEqual(await (await h.api('/gold/vid_g2/step-model', { as: 'viewer' })).json(), { video_id: 'vid_g2', model: null });
  assert.equal((await h.api('/gold/vid_g/step-model', { as: null })).status, 401);
  assert.equal((await h.api('/gold/vid_t/step-model')).status, 400);
});

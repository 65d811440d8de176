/**
 * Tasks, score history (filters, keyset pages, CSV), analytics, reviews and the review queue,
 * against seeded rows in a real Postgres database: every expected figure is worked out by hand.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';

let h: TestHost;
let db: Awaited<ReturnType<typeof freshDatabase>>;

const step = (index: number, name: string, trainee: [number, number] | null) => ({
  index,
  name,
  gold: { start_sec: index * 10, end_sec: index * 10 + 10, start_clip: index * 5, end_clip: index * 5 + 5 },
  trainee: trainee ? { start_sec: trainee[0], end_sec: trainee[1], start_clip: 0, end_clip: 1 } : null,
  mean_similarity: trainee ? 0.9 : null,
  duration_ratio: null,
});
const NAMES = ['Pick', 'Place', 'Check'];
const dev = (type: string, index: number) => ({ type, severity: 'medium', gold_step: { index, name: NAMES[index], start_sec: index * 10, end_sec: index * 10 + 10 }, trainee: null, evidence: {}, message: `${type} at ${NAMES[index]}` });

/** Runs: [score id, trainee video, worker, performed_at, created_at, score, passed, trainee step durations (start at 0), deviations]. */
const RUNS: Array<[string, string, string, string, string, number, boolean, Array<number | null>, ReturnType<typeof dev>[]]> = [
  ['score_r1', 'vid_t1', 'W1', '2026-11-02T09:00:00Z', '2026-11-02T09:05:00Z', 90, true, [10, 12, 9], []],
  ['score_r2', 'vid_t2', 'W1', '2026-11-04T09:00:00Z', '2026-11-04T09:05:00Z', 60, false, [11, null, 10], [dev('missing_step', 1)]],
  ['score_r3', 'vid_t3', 'W2', '2026-11-10T09:00:00Z', '2026-11-10T09:05:00Z', 65, false, [20, 10, 10], [dev('over_time', 0)]],
  ['score_r4', 'vid_t4', 'W2', '2026-11-11T09:00:00Z', '2026-11-12T09:05:00Z', 85, true, [14, 10, 8], []],
  // An older score of vid_t4 (re-scored since by r4): history, not a run of its own.
  ['score_r5', 'vid_t4', 'W2', '2026-11-11T09:00:00Z', '2026-11-11T09:05:00Z', 40, false, [14, 10, 8], [dev('step_deviation', 2)]],
];

before(async () => {
  db = await freshDatabase();
  h = await startTestHost({ SOPILOT_DATABASE_URL: db.url });
  const q = (sql: string, p: unknown[]) => h.ctx.db.query(sql, p);
  await q("INSERT INTO videos (id, task_id, role, status, duration_sec, clip_count) VALUES ('vid_g1', 'seed-task', 'gold', 'indexed', 30, 15), ('vid_g0', 'other-task', 'gold', 'indexed', 30, 15)", []);
  for (const [i, n] of NAMES.entries()) {
    await q('INSERT INTO gold_steps (video_id, step_index, name, start_clip, end_clip, start_sec, end_sec) VALUES ($1, $2, $3, $4, $5, $6, $7)', ['vid_g1', i, n, i * 5, i * 5 + 5, i * 10, i * 10 + 10]);
  }
  for (const [id, tv, worker, performed, created, score, passed, durs, devs] of RUNS) {
    await q("INSERT INTO videos (id, task_id, role, status, worker_id, created_at) VALUES ($1, 'seed-task', 'trainee', 'indexed', $2, $3) ON CONFLICT DO NOTHING", [tv, worker, performed]);
    const steps = durs.map((d, i) => step(i, NAMES[i], d === null ? null : [i * 20, i * 20 + d]));
    await q(
      `INSERT INTO scores (id, task_id, gold_video_id, trainee_video_id, status, score, passed, result, worker_id, station, performed_at, created_at, completed_at)
       VALUES ($1, 'seed-task', 'vid_g1', $2, 'completed', $3, $4, $5, $6, 'Line 1', $7, $8, $8)`,
      [id, tv, score, passed, JSON.stringify({ score, passed, deviations: devs, steps, path: [], breakdown: {} }), worker, performed, created],
    );
  }
});
after(async () => {
  await h?.close();
  await db?.drop();
});

const json = async (r: Response) => {
  assert.ok(r.ok, `${r.status} ${await r.clone().text()}`);
  return r.json() as Promise<Record<string, any>>;
};
const put = (p: string, body: unknown, as: 'admin' | 'operator' | 'viewer' = 'admin') => h.api(p, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as });

test('GET /tasks lists defined tasks and tasks only uploads name; GET /tasks/:id gives every gold step with default rules', async () => {
  const list = await json(await h.api('/tasks', { as: 'viewer' }));
  assert.deepEqual(list.items.map((t: { id: string }) => t.id).sort(), ['other-task', 'seed-task']);
  const t = await json(await h.api('/tasks/seed-task', { as: 'viewer' }));
  assert.equal(t.defined, false);
  assert.equal(t.version, 0);
  assert.equal(t.gold_video_id, 'vid_g1');
  assert.equal(t.gold_source, 'latest_upload');
  assert.equal(t.effective_pass_threshold, 70);
  assert.deepEqual(t.steps.map((s: { name: string; optional: boolean }) => [s.name, s.optional]), [['Pick', false], ['Place', false], ['Check', false]]);
  assert.equal((await h.api('/tasks/nope', { as: 'viewer' })).status, 404);
});

test('PUT /tasks/:id: validated, versioned, idempotent, audited, offers re-scoring; viewers and operators get 403', async () => {
  const def = {
    name: 'Seed assembly',
    description: 'three steps',
    gold_video_id: 'vid_g1',
    pass_threshold: 75,
    steps: [
      { index: 0, name: 'Pick', order_group: 'prep' },
      { index: 1, name: 'Place', optional: true, order_group: 'prep', max_duration_sec: 15 },
      { index: 2, name: 'Check', critical: true, min_duration_sec: 5 },
    ],
  };
  assert.equal((await put('/tasks/seed-task', def, 'viewer')).status, 403);
  assert.equal((await put('/tasks/seed-task', def, 'operator')).status, 403);
  for (const [bad, why] of [
    [{ ...def, steps: [{ index: 7, name: 'X' }] }, /no step 7/],
    [{ ...def, steps: [def.steps[0], def.steps[0]] }, /once/],
    [{ ...def, pass_threshold: 101 }, /pass_threshold/],
    [{ ...def, gold_video_id: 'vid_g0' }, /belongs to task other-task/],
    [{ ...def, steps: [{ index: 0, name: 'P', min_duration_sec: 9, max_duration_sec: 3 }] }, /min_duration_sec/],
  ] as const) {
    const r = await put('/tasks/seed-task', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.match(((await r.json()) as { error: { message: string } }).error.message, why);
  }
  const v1 = await json(await put('/tasks/seed-task', def));
  assert.equal(v1.version, 1);
  assert.equal(v1.changed, true);
  assert.equal(v1.effective_pass_threshold, 75);
  assert.deepEqual(v1.steps.map((s: { critical: boolean }) => s.critical), [false, false, true]);
  // Four runs were scored with no definition: re-scoring is offered, as a batch.
  assert.deepEqual(v1.rescore_offer, { runs: 4, method: 'POST', path: '/score/batch', body: { task_id: 'seed-task' } });
  const again = await json(await put('/tasks/seed-task', def));
  assert.equal(again.version, 1, 'the same definition again is no new version');
  assert.equal(again.changed, false);
  const v2 = await json(await put('/tasks/seed-task', { ...def, pass_threshold: 80 }));
  assert.equal(v2.version, 2);
  const versions = await h.ctx.db.query<{ version: number }>("SELECT version FROM task_versions WHERE task_id = 'seed-task' ORDER BY version");
  assert.deepEqual(versions.rows.map((r) => r.version), [1, 2]);
  const audit = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.update' AND target_id = 'seed-task'");
  assert.equal(audit.rows[0].n, 2);
  const list = await json(await h.api('/tasks'));
  assert.equal(list.items.find((t: { id: string }) => t.id === 'seed-task').name, 'Seed assembly');
});

test('GET /analytics/tasks/:id: runs, pass rate, per step deviations and duration spread, by worker and week', async () => {
  const a = await json(await h.api('/analytics/tasks/seed-task', { as: 'viewer' }));
  assert.equal(a.runs, 4, 'the re-scored video counts once, with its latest score');
  assert.equal(a.passed, 2);
  assert.equal(a.pass_rate, 0.5);
  assert.deepEqual(a.by_week, [
    { week_start: '2026-11-02', runs: 2, passed: 1, pass_rate: 0.5 },
    { week_start: '2026-11-09', runs: 2, passed: 1, pass_rate: 0.5 },
  ]);
  assert.deepEqual(a.by_worker.map((w: { worker_id: string; pass_rate: number }) => [w.worker_id, w.pass_rate]), [['W1', 0.5], ['W2', 0.5]]);
  const [pick, place, check] = a.steps;
  // Pick: 10, 11, 20, 14 s against 10 s in the gold -> median 12.5, p90 14 + 0.7 x 6 = 18.2.
  assert.deepEqual(pick.duration, { n: 4, median_sec: 12.5, p90_sec: 18.2, median_vs_gold: 1.25, p90_vs_gold: 1.82 });
  assert.equal(pick.deviations.over_time, 1);
  // Place: found 3 times (12, 10, 10 s), missing once.
  assert.deepEqual([place.duration.n, place.duration.median_sec, place.duration.p90_sec], [3, 10, 11.6]);
  assert.equal(place.deviations.missing_step, 1);
  assert.equal(check.deviations.step_deviation, 0, "the superseded score's deviation is not counted");
  assert.deepEqual(pick.by_worker.map((w: { worker_id: string; median_sec: number }) => [w.worker_id, w.median_sec]), [['W1', 10.5], ['W2', 17]]);
  assert.deepEqual(a.most_failed_step, { index: 0, name: 'Pick', runs_with_deviation: 1 });
  const week2 = await json(await h.api('/analytics/tasks/seed-task?since=2026-11-09&until=2026-11-10'));
  assert.equal(week2.runs, 1, 'until takes the whole day');
  assert.equal((await h.api('/analytics/tasks/seed-task?since=yesterday')).status, 400);
  const w = await json(await h.api('/analytics/workers/W2'));
  assert.deepEqual([w.runs, w.passed, w.deviations.over_time], [2, 1, 1]);
  assert.deepEqual(w.by_task.map((t: { task_id: string; name: string; runs: number }) => [t.task_id, t.name, t.runs]), [['seed-task', 'Seed assembly', 2]]);
  assert.equal((await h.api('/analytics/workers/nobody')).status, 404);
});

test('GET /scores: filters, keyset pages and CSV', async () => {
  const ids = async (qs: string) => ((await json(await h.api(`/scores?task_id=seed-task&${qs}`))).items as Array<{ id: string }>).map((s) => s.id);
  assert.deepEqual(await ids('worker_id=W2&passed=false'), ['score_r5', 'score_r3'], 'newest first');
  assert.deepEqual(await ids('deviation_type=missing_step'), ['score_r2']);
  assert.deepEqual(await ids('since=2026-11-09'), ['score_r4', 'score_r5', 'score_r3']);
  assert.deepEqual(await ids('until=2026-11-04'), ['score_r2', 'score_r1']);
  const seen: string[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = await json(await h.api(`/scores?task_id=seed-task&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    seen.push(...page.items.map((s: { id: string }) => s.id));
    cursor = page.next_cursor;
  }
  assert.deepEqual(seen, ['score_r4', 'score_r5', 'score_r3', 'score_r2', 'score_r1'], 'newest first, each once');
  assert.equal((await h.api('/scores?passed=maybe')).status, 400);
  assert.equal((await h.api('/scores?deviation_type=late')).status, 400);
  assert.equal((await h.api('/scores?format=csv&cursor=garbage')).status, 400);
  const csv = await h.api('/scores?task_id=seed-task&format=csv', { as: 'viewer' });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  const lines = (await csv.text()).trimEnd().split('\r\n');
  const header = lines[0].split(',');
  assert.equal(lines.length, 6, 'header + 5 scores');
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  const r3 = rows.find((r) => r.id === 'score_r3')!;
  assert.deepEqual([r3.worker_id, r3.station, r3.score, r3.passed, r3.deviation_types, r3.performed_at], ['W2', 'Line 1', '65', 'false', 'over_time', '2026-11-10T09:00:00.000Z']);
});

test('review: operators confirm or override with a reason, audited; the engine verdict stays beside it; the queue empties', async () => {
  const queue = async () => ((await json(await h.api('/reviews/queue?task_id=seed-task', { as: 'viewer' }))).items as Array<{ id: string }>).map((s) => s.id);
  assert.deepEqual(await queue(), ['score_r3', 'score_r2'], 'failed, unreviewed, current scores only (r5 was re-scored by r4)');
  const post = (id: string, body: unknown, as: 'operator' | 'viewer' = 'operator') => h.api(`/score/${id}/review`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as });
  assert.equal((await post('score_r3', { decision: 'override_pass', comment: 'x' }, 'viewer')).status, 403);
  assert.equal((await post('score_r3', { decision: 'override_pass' })).status, 400, 'an override needs a comment');
  assert.equal((await post('score_r3', { decision: 'maybe' })).status, 400);
  assert.equal((await post('score_nope', { decision: 'confirm' })).status, 404);
  const s = await json(await post('score_r3', { decision: 'override_pass', comment: 'Step timing was a camera stall' }));
  assert.equal(s.passed, true);
  assert.equal(s.engine_passed, false);
  assert.deepEqual([s.review.decision, s.review.comment], ['override_pass', 'Step timing was a camera stall']);
  assert.match(s.review.reviewed_by, /^token:operator/);
  assert.deepEqual(await queue(), ['score_r2']);
  await json(await post('score_r2', { decision: 'confirm' }));
  assert.deepEqual(await queue(), []);
  const a = await json(await h.api('/analytics/tasks/seed-task'));
  assert.deepEqual([a.passed, a.reviewed], [3, 2], 'the override counts as a pass');
  assert.deepEqual(((await json(await h.api('/scores?task_id=seed-task&passed=true'))).items as Array<{ id: string }>).map((x) => x.id), ['score_r4', 'score_r3', 'score_r1']);
  const audit = await h.ctx.db.query<{ details: { decision: string; engine_passed: boolean; passed_after: boolean } }>("SELECT details FROM audit_log WHERE action = 'score.review' AND target_id = 'score_r3'");
  assert.deepEqual([audit.rows[0].details.decision, audit.rows[0].details.engine_passed, audit.rows[0].details.passed_after], ['override_pass', false, true]);
});

test("the PDF shows the review beside the automatic verdict, the task's name and the worker", async () => {
  const { execFileSync, spawnSync } = await import('node:child_process');
  assert.equal(spawnSync('pdftotext', ['-v']).status, 0, 'pdftotext (poppler-utils) is needed for this test');
  const r = await h.api('/score/score_r3/report.pdf', { as: 'viewer' });
  assert.equal(r.status, 200);
  const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await r.arrayBuffer()) }).toString('utf8').replace(/\s+/g, ' ');
  assert.match(text, /\bPASS\b/);
  assert.match(text, /reviewed \(automatic: FAIL\)/);
  assert.match(text, /overrode the verdict to PASS on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(automatic verdict: FAIL\): "Step timing was a camera stall"/);
  assert.match(text, /Seed assembly \(seed-task\)/);
  assert.match(text, /worker W2, station Line 1/);
  // A later review replaces the cached PDF's content.
  await json(await h.api('/score/score_r3/review', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'confirm' }), as: 'admin' }));
  const again = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await (await h.api('/score/score_r3/report.pdf')).arrayBuffer()) }).toString('utf8').replace(/\s+/g, ' ');
  assert.match(again, /confirmed the automatic verdict/);
  assert.match(again, /\bFAIL\b/);
});

test('one palette: GET /ui/palette.json is what the PDF draws with', async () => {
  const { PALETTE } = await import('../../shared/report/palette.js');
  const { stepColour } = await import('../../shared/report/index.js');
  const p = await json(await h.api('/ui/palette.json', { as: null }));
  assert.deepEqual(p, JSON.parse(JSON.stringify(PALETTE)));
  assert.equal(stepColour(3), p.steps[3]);
});

test('batch: by gold and trainee ids (bad ones skipped with a reason) or by task; progress until done', async () => {
  const post = (body: unknown, as: 'operator' | 'viewer' = 'operator') => h.api('/score/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as });
  assert.equal((await post({ task_id: 'seed-task' }, 'viewer')).status, 403);
  assert.equal((await post({ task_id: 'seed-task', gold_video_id: 'vid_g1' })).status, 400);
  assert.equal((await post({ gold_video_id: 'vid_g1' })).status, 400);
  assert.equal((await post({ gold_video_id: 'vid_t1', trainee_video_ids: ['vid_t2'] })).status, 400, 'not a gold video');
  assert.equal((await post({ task_id: 'nobody-task' })).status, 409, 'no gold to score against');
  const byIds = await post({ gold_video_id: 'vid_g1', trainee_video_ids: ['vid_t1', 'vid_nope', 'vid_g1', 'vid_t1'] });
  assert.equal(byIds.status, 202);
  const b = (await byIds.json()) as { id: string; total: number; skipped: Array<{ trainee_video_id: string; reason: string }> };
  assert.match(b.id, /^batch_/);
  assert.equal(b.total, 1, 'duplicates collapse');
  assert.deepEqual(b.skipped.map((s) => s.trainee_video_id), ['vid_nope', 'vid_g1']);
  assert.match(b.skipped[1].reason, /different videos/);
  // The task's runs were scored before the definition existed: all are re-scored, but vid_t1,
  // queued under the current version by the batch above.
  const byTask = (await (await post({ task_id: 'seed-task' })).json()) as { id: string; total: number; gold_video_id: string; left_out: number; items: Array<{ trainee_video_id: string }> };
  assert.deepEqual([byTask.total, byTask.gold_video_id, byTask.left_out], [3, 'vid_g1', 0]);
  assert.deepEqual(byTask.items.map((i) => i.trainee_video_id).sort(), ['vid_t2', 'vid_t3', 'vid_t4']);
  const scored = await h.ctx.db.query<{ task_version: number; batch_id: string }>('SELECT task_version, batch_id FROM scores WHERE batch_id = $1', [byTask.id]);
  assert.ok(scored.rows.every((r) => r.task_version === 2), 'each score records the definition version it used');
  // The seeded videos have no clip vectors: each score fails, and the batch says so when done.
  await h.ctx.bus.idle();
  const done = await json(await h.api(`/score/batch/${byTask.id}`, { as: 'viewer' }));
  assert.deepEqual([done.done, done.progress, done.failed, done.completed], [true, 1, 3, 0]);
  assert.deepEqual(((await json(await h.api(`/scores?batch_id=${byTask.id}`))).items as unknown[]).length, 3);
  assert.equal((await h.api('/score/batch/batch_nope')).status, 404);
});

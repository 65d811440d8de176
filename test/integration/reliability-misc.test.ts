// Issue 13 findings 7, 8, 10, 13, 14, 15 on real PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';
import { makeFixtures, waitJob } from './pipeline-flow.js';
import { DenialLimiter } from '../../shared/http/denial-limiter.js';

let h: TestHost;
let pg: Awaited<ReturnType<typeof freshDatabase>>;
let fx: Awaited<ReturnType<typeof makeFixtures>>;
before(async () => {
  fx = await makeFixtures();
  pg = await freshDatabase();
  h = await startTestHost({ SOPILOT_DATABASE_URL: pg.url, SOPILOT_AUTH_DENIED_AUDIT_PER_MIN: '5' });
});
after(async () => {
  await h?.close();
  await pg?.drop();
});

async function ingest(file: string, task: string, route: '/gold' | '/videos' = '/videos') {
  const r = await h.upload(route, file, { task_id: task });
  assert.equal(r.status, 202, await r.clone().text());
  const b = (await r.json()) as { video_id: string; job_id: string };
  return { ...b, job: await waitJob(h, b.job_id) };
}

test('POST /score refuses a gold and a trainee of different tasks', async () => {
  const g = await ingest(fx.gold, 'task-a', '/gold');
  const t = await ingest(fx.trainee, 'task-b');
  const r = await h.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: g.video_id, trainee_video_id: t.video_id }) });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /task-a.*task-b/);
  assert.equal((await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM scores')).rows[0].n, 0);
});

test('unauthenticated refusals write at most N audit rows per address and minute; the next row says how many were not', async () => {
  const before = (await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.denied'")).rows[0].n;
  await Promise.all(Array.from({ length: 40 }, () => h.api('/videos', { as: null })));
  const after = (await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.denied'")).rows[0].n;
  assert.equal(after - before, 5);
  let t = 0;
  const lim = new DenialLimiter(2, () => t);
  assert.deepEqual([lim.take('a'), lim.take('a'), lim.take('a'), lim.take('a')].map((x) => x.write), [true, true, false, false]);
  t = 60_000;
  assert.deepEqual(lim.take('a'), { write: true, suppressed: 2 });
});

test('ingest errors shown to viewers carry no server paths', async () => {
  const bad = path.join(fx.dir, 'damaged.mp4');
  const good = readFileSync(fx.gold);
  writeFileSync(bad, Buffer.concat([good.subarray(0, 64), Buffer.alloc(4096, 0x55)]));
  const r = await ingest(bad, 'paths');
  assert.equal(r.job.status, 'failed');
  const v = (await (await h.api(`/videos/${r.video_id}`, { as: 'viewer' })).json()) as { error: string };
  const j = (await (await h.api(`/videos/jobs/${r.job_id}`, { as: 'viewer' })).json()) as { error: string };
  for (const msg of [v.error, j.error, ...(await h.ctx.db.query<{ error: string }>('SELECT error FROM jobs WHERE video_id = $1 AND error IS NOT NULL', [r.video_id])).rows.map((x) => x.error)]) {
    assert.ok(msg, "there is an error message");
    assert.match(msg, /<[^>/]+\.mp4>/, `the file is named by its name only: ${msg}`);
    assert.doesNotMatch(msg, /\/tmp\/|sopilot-/, msg);
  }
});

test('the audit table owner (no superuser) can disable the append-only trigger, as docs/security.md says; a broken chain is not exported (409)', async () => {
  const c = h.ctx.db;
  await c.exec("DO $$ BEGIN CREATE ROLE audit_owner NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  await c.exec('ALTER TABLE audit_log OWNER TO audit_owner');
  await c.transaction(async (tx) => {
    await tx.exec('SET LOCAL ROLE audit_owner');
    await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await tx.query("UPDATE audit_log SET subject = 'mallory' WHERE id = (SELECT min(id) + 1 FROM audit_log)");
    await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
  });
  const doc = readFileSync('docs/security.md', 'utf8');
  assert.match(doc, /table's owner/);
  const exp = await h.api('/audit/export', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(exp.status, 409);
  const b = (await exp.json()) as { error: { code: string; details: { chain_intact: boolean } } };
  assert.equal(b.error.code, 'chain_broken');
  assert.equal(b.error.details.chain_intact, false);
});

test('deleting both videos of a score: video_deleted says both; the folder store keeps no empty folders', async () => {
  const g = await ingest(fx.gold, 'del', '/gold');
  const t = await ingest(fx.trainee, 'del');
  const s = await h.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: g.video_id, trainee_video_id: t.video_id }) });
  const { score_job_id } = (await s.json()) as { score_job_id: string };
  await h.ctx.bus.idle(60_000);
  assert.equal((await h.api(`/videos/${t.video_id}`, { method: 'DELETE' })).status, 200);
  assert.equal((await h.api(`/videos/${g.video_id}?force=true`, { method: 'DELETE' })).status, 200);
  const row = (await (await h.api(`/score/${score_job_id}`)).json()) as { video_deleted: string };
  assert.equal(row.video_deleted, 'both');
  const objects = path.join(h.dataDir, 'store', 'objects');
  for (const id of [g.video_id, t.video_id]) {
    assert.equal(existsSync(path.join(objects, 'raw', id)), false, `raw/${id}/ left behind`);
    assert.equal(existsSync(path.join(objects, 'derived', id)), false, `derived/${id}/ left behind`);
  }
});

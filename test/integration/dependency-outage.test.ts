// Issue 13 findings 6 and 9: with Redis or the object store down, uploads, POST /score and
// /ops/queue answer 503 naming the dependency within 5 s, and nothing is half-registered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';
import { privateRedis, restartableS3, type Restartable } from '../helpers/faults.js';
import { makeFixtures, waitJob } from './pipeline-flow.js';

let h: TestHost;
let redis: Restartable;
let s3: Restartable & { bucket: string };
let pg: Awaited<ReturnType<typeof freshDatabase>>;
let fx: Awaited<ReturnType<typeof makeFixtures>>;

before(async () => {
  fx = await makeFixtures();
  pg = await freshDatabase();
  redis = await privateRedis();
  s3 = await restartableS3(`dep-${randomUUID().slice(0, 8)}`);
  h = await startTestHost({
    SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: redis.url,
    SOPILOT_STORE_ENDPOINT: s3.url, SOPILOT_STORE_BUCKET: s3.bucket, SOPILOT_STORE_ACCESS_KEY: 'S3RVER', SOPILOT_STORE_SECRET_KEY: 'S3RVER',
  });
});
after(async () => {
  await h?.close();
  await redis?.destroy();
  await s3?.destroy();
  await pg?.drop();
});

async function timed<T>(f: () => Promise<T>): Promise<{ v: T; ms: number }> {
  const t0 = Date.now();
  const v = await f();
  return { v, ms: Date.now() - t0 };
}

async function counts() {
  const v = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM videos');
  const s = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM scores');
  return { videos: v.rows[0].n, scores: s.rows[0].n, raw: (await h.ctx.store.list('raw/').catch(() => [])).length };
}

test('Redis down: upload, POST /score and /ops/queue answer 503 queue_unavailable within 5 s; nothing is registered; all works again after', async () => {
  const g = await h.upload('/gold', fx.gold, { task_id: 'dep' });
  const { video_id: gold, job_id } = (await g.json()) as { video_id: string; job_id: string };
  assert.equal((await waitJob(h, job_id)).status, 'completed');
  const t = await h.upload('/videos', fx.trainee, { task_id: 'dep' });
  const tb = (await t.json()) as { video_id: string; job_id: string };
  assert.equal((await waitJob(h, tb.job_id)).status, 'completed');
  const before = await counts();
  await redis.stop();
  try {
    const up = await timed(() => h.upload('/videos', fx.trainee, { task_id: 'dep' }));
    assert.equal(up.v.status, 503, await up.v.clone().text());
    assert.equal(((await up.v.json()) as { error: { code: string } }).error.code, 'queue_unavailable');
    assert.ok(up.ms < 5000, `upload answered after ${up.ms} ms`);
    const sc = await timed(() => h.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: gold, trainee_video_id: tb.video_id }) }));
    assert.equal(sc.v.status, 503);
    assert.ok(sc.ms < 5000, `score answered after ${sc.ms} ms`);
    const ops = await timed(() => h.api('/ops/queue'));
    assert.equal(ops.v.status, 503);
    assert.ok(ops.ms < 5000, `/ops/queue answered after ${ops.ms} ms`);
    assert.deepEqual(await counts(), before, 'nothing half-registered');
  } finally {
    await redis.start();
  }
  const again = await h.upload('/videos', fx.trainee, { task_id: 'dep' });
  assert.equal(again.status, 202);
});

test('object store down: an upload answers 503 store_unavailable within 5 s, nothing is registered', async () => {
  const before = await counts();
  await s3.stop();
  try {
    const up = await timed(() => h.upload('/videos', fx.trainee, { task_id: 'dep' }));
    assert.equal(up.v.status, 503, await up.v.clone().text());
    assert.equal(((await up.v.json()) as { error: { code: string } }).error.code, 'store_unavailable');
    assert.ok(up.ms < 5000, `upload answered after ${up.ms} ms`);
  } finally {
    await s3.start();
  }
  assert.deepEqual(await counts(), before);
});

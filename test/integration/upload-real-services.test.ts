/** The same flow on real Postgres (pgvector), Redis (BullMQ) and an S3-compatible server, over real connections. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase, redisAvailable, s3Server, REDIS_URL, type S3Server } from '../helpers/services.js';
import { makeFixtures, scoreAndRead, uploadAndIngest } from './pipeline-flow.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let s3: S3Server;
let fx: Awaited<ReturnType<typeof makeFixtures>>;
let env: Record<string, string>;

before(async () => {
  assert.ok(await redisAvailable(), `Redis must run at ${REDIS_URL} (.ci/run starts it)`);
  db = await freshDatabase();
  s3 = await s3Server();
  fx = await makeFixtures();
  env = {
    SOPILOT_DATABASE_URL: db.url,
    SOPILOT_REDIS_URL: REDIS_URL,
    SOPILOT_STORE_ENDPOINT: s3.endpoint,
    SOPILOT_STORE_BUCKET: s3.bucket,
    SOPILOT_STORE_ACCESS_KEY: s3.accessKey,
    SOPILOT_STORE_SECRET_KEY: s3.secretKey,
  };
});
after(async () => {
  await s3?.stop();
  await db?.drop();
});

test('Postgres + BullMQ + S3: upload, ingest, score, with pgvector and ranged playback', async () => {
  const h = await startTestHost(env);
  try {
    assert.equal(h.ctx.db.kind, 'pg');
    assert.equal(h.ctx.store.kind, 's3');
    assert.equal(h.ctx.bus.transport, 'bullmq');
    const ready = (await (await h.api('/readiness', { as: null })).json()) as { ready: boolean };
    assert.equal(ready.ready, true);
    const ids = await uploadAndIngest(h, fx);
    assert.equal(h.ctx.db.hasVector, true, 'pgvector installed (.ci/run builds it)');
    const vec = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clip_embeddings WHERE vec IS NOT NULL AND video_id = $1', [ids.goldId]);
    assert.ok(vec.rows[0].n > 0, 'vectors in the pgvector column');
    const part = await h.api(`/videos/${ids.goldId}/file`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.equal((await part.arrayBuffer()).byteLength, 100);
    const s = await scoreAndRead(h, ids.goldId, ids.traineeId);
    assert.equal(s.status, 'completed', String(s.error));
    const q = (await (await h.api('/ops/queue')).json()) as { transport: string; queues: Array<{ queue: string; completed: number }> };
    assert.equal(q.transport, 'bullmq');
    assert.ok(q.queues.find((x) => x.queue === 'ingest')!.completed >= 2);
    // Duplicate delivery on BullMQ: the same event id is dropped, a new id finds the stage done.
    const before = await h.ctx.db.query('SELECT attempts, status FROM jobs WHERE idempotency_key = $1', [`embed:${ids.goldId}:heuristic:${''}`]);
    void before;
    const jobsBefore = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n, sum(attempts)::int AS a FROM jobs WHERE video_id = $1", [ids.goldId]);
    const vrow = (await h.ctx.db.query<{ object_key: string }>('SELECT object_key FROM videos WHERE id = $1', [ids.goldId])).rows[0];
    for (const id of ['dupA', 'dupA', 'dupB']) {
      const r = await h.api('/events', { as: 'service', method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/t', 'ce-type': 'com.sopilot.video.uploaded' }, body: JSON.stringify({ video_id: ids.goldId, job_id: ids.goldJob, task_id: 'task-1', role: 'gold', object_key: vrow.object_key }) });
      assert.equal(r.status, 202);
    }
    await h.ctx.bus.idle(30_000);
    const jobsAfter = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n, sum(attempts)::int AS a FROM jobs WHERE video_id = $1", [ids.goldId]);
    assert.deepEqual(jobsAfter.rows, jobsBefore.rows, 'no stage ran again');
  } finally {
    await h.close();
  }
});

// Postgres restarted mid-run: test/faults/postgres-restart.test.ts, on a private cluster (never the shared one).

// Fault: the object store (s3rver) stopped for 10 s mid-ingest. Uploads meanwhile get 503; the
// stages that failed wait for the store without spending tries, and every job completes once it
// is back. Two tries with a 1 s backoff would be spent in 1 s: only the outage rule carries them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase, redisAvailable, REDIS_URL } from '../helpers/services.js';
import { restartableS3, type Restartable } from '../helpers/faults.js';
import { makeFixtures } from '../integration/pipeline-flow.js';
import { assertExactlyOnce, CASE_TIMEOUT_MS, FAULT_LEASE_MS, recordFault, untilStageRunning, waitAllDone, type Upload } from './harness.js';

const OUTAGE_MS = 10_000;
let h: TestHost | undefined;
let s3: (Restartable & { bucket: string }) | undefined;
let pg: Awaited<ReturnType<typeof freshDatabase>> | undefined;
after(async () => {
  await h?.close();
  await s3?.destroy();
  await pg?.drop();
});

test('object store stopped for 10 s mid-ingest: uploads get 503 meanwhile; every job completes once after', { timeout: CASE_TIMEOUT_MS }, async () => {
  assert.ok(await redisAvailable(), `Redis must run at ${REDIS_URL}`);
  const fx = await makeFixtures();
  pg = await freshDatabase();
  s3 = await restartableS3(`fault-${randomUUID().slice(0, 8)}`);
  h = await startTestHost({
    SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: REDIS_URL, SOPILOT_STAGE_LEASE_MS: String(FAULT_LEASE_MS), SOPILOT_QUEUE_BACKOFF_MS: '1000', SOPILOT_QUEUE_ATTEMPTS: '2',
    SOPILOT_STORE_ENDPOINT: s3.url, SOPILOT_STORE_BUCKET: s3.bucket, SOPILOT_STORE_ACCESS_KEY: 'S3RVER', SOPILOT_STORE_SECRET_KEY: 'S3RVER',
  });
  const uploads: Upload[] = [];
  for (const [route, file] of [['/gold', fx.gold], ['/videos', fx.trainee]] as const) {
    const r = await h.upload(route, file, { task_id: 'fault-store' });
    assert.equal(r.status, 202);
    uploads.push({ ...((await r.json()) as { video_id: string; job_id: string }), file });
  }
  const stage = await untilStageRunning(h.ctx, ['clip-extract', 'embed']);
  // Timed from the stop call: s3rver refuses connections at once but its close() may wait for open sockets.
  const t0 = Date.now();
  await s3.stop();
  const tRefuse = Date.now();
  const refused = await h.upload('/videos', fx.trainee, { task_id: 'fault-store' });
  const refusedMs = Date.now() - tRefuse;
  assert.equal(refused.status, 503);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'store_unavailable');
  assert.ok(refusedMs < 5000, `refused after ${refusedMs} ms`);
  await sleep(OUTAGE_MS - (Date.now() - t0));
  await s3.start();
  const backAt = Date.now();
  const doneAt = await waitAllDone(h.ctx, { jobs: uploads.map((u) => u.job_id) });
  const { jobs } = await assertExactlyOnce(h.ctx, { uploads });
  recordFault('object_store_outage_10s', { outage_ms: backAt - t0, stage_at_fault: stage, upload_refused_ms: refusedMs, recovery_ms: doneAt - backAt, jobs });
});

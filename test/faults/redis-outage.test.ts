// Fault: Redis (BullMQ) stopped for 10 s mid-ingest. New uploads are refused with 503 at once;
// the work in flight finishes once Redis is back, each stage once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freshDatabase } from '../helpers/services.js';
import { privateRedis, type Restartable } from '../helpers/faults.js';
import { makeFixtures } from '../integration/pipeline-flow.js';
import { assertExactlyOnce, CASE_TIMEOUT_MS, FAULT_LEASE_MS, recordFault, untilStageRunning, waitAllDone, type Upload } from './harness.js';

const OUTAGE_MS = 10_000;
let h: TestHost | undefined;
let redis: Restartable | undefined;
let pg: Awaited<ReturnType<typeof freshDatabase>> | undefined;
after(async () => {
  await h?.close();
  await redis?.destroy();
  await pg?.drop();
});

test('Redis stopped for 10 s mid-ingest: uploads get 503 meanwhile; every job completes once after', { timeout: CASE_TIMEOUT_MS }, async () => {
  const fx = await makeFixtures();
  pg = await freshDatabase();
  redis = await privateRedis({ persist: true });
  h = await startTestHost({ SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: redis.url, SOPILOT_STAGE_LEASE_MS: String(FAULT_LEASE_MS), SOPILOT_QUEUE_BACKOFF_MS: '1000' });
  const uploads: Upload[] = [];
  for (const [route, file] of [['/gold', fx.gold], ['/videos', fx.trainee]] as const) {
    const r = await h.upload(route, file, { task_id: 'fault-redis' });
    assert.equal(r.status, 202);
    uploads.push({ ...((await r.json()) as { video_id: string; job_id: string }), file });
  }
  const stage = await untilStageRunning(h.ctx, ['clip-extract', 'embed']);
  await redis.stop();
  const t0 = Date.now();
  const refused = await h.upload('/videos', fx.trainee, { task_id: 'fault-redis' });
  const refusedMs = Date.now() - t0;
  assert.equal(refused.status, 503);
  assert.ok(refusedMs < 5000, `refused after ${refusedMs} ms`);
  await sleep(OUTAGE_MS - (Date.now() - t0));
  await redis.start();
  const backAt = Date.now();
  const doneAt = await waitAllDone(h.ctx, { jobs: uploads.map((u) => u.job_id) });
  const { jobs } = await assertExactlyOnce(h.ctx, { uploads });
  recordFault('redis_outage_10s', { outage_ms: backAt - t0, stage_at_fault: stage, upload_refused_ms: refusedMs, recovery_ms: doneAt - backAt, jobs });
});

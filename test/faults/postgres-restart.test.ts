// Fault: PostgreSQL restarted (immediate stop: connections cut, as in a crash) mid-ingest, on a
// private cluster (never the shared one). Every job completes once after it is back.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { redisAvailable, REDIS_URL } from '../helpers/services.js';
import { privatePostgres, privatePostgresAvailable, type Restartable } from '../helpers/faults.js';
import { makeFixtures } from '../integration/pipeline-flow.js';
import { assertExactlyOnce, CASE_TIMEOUT_MS, FAULT_LEASE_MS, recordFault, untilStageRunning, waitAllDone, type Upload } from './harness.js';

const DOWN_MS = 3000;
let h: TestHost | undefined;
let cluster: Restartable | undefined;
after(async () => {
  await h?.close();
  await cluster?.destroy();
});

test('PostgreSQL restarted mid-ingest: every job completes once after, nothing stored is lost', { timeout: CASE_TIMEOUT_MS, skip: !privatePostgresAvailable() && 'no PostgreSQL binaries for a private cluster' }, async () => {
  assert.ok(await redisAvailable(), `Redis must run at ${REDIS_URL}`);
  const fx = await makeFixtures();
  cluster = await privatePostgres();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE sopilot_fault');
  await admin.end();
  const url = cluster.url.replace(/\/postgres$/, '/sopilot_fault');
  h = await startTestHost({ SOPILOT_DATABASE_URL: url, SOPILOT_REDIS_URL: REDIS_URL, SOPILOT_STAGE_LEASE_MS: String(FAULT_LEASE_MS), SOPILOT_QUEUE_BACKOFF_MS: '1000' });
  const uploads: Upload[] = [];
  for (const [route, file] of [['/gold', fx.gold], ['/videos', fx.trainee]] as const) {
    const r = await h.upload(route, file, { task_id: 'fault-pg' });
    assert.equal(r.status, 202);
    uploads.push({ ...((await r.json()) as { video_id: string; job_id: string }), file });
  }
  const stage = await untilStageRunning(h.ctx, ['clip-extract', 'embed']);
  const t0 = Date.now();
  await cluster.stop();
  await sleep(DOWN_MS);
  await cluster.start();
  const backAt = Date.now();
  const doneAt = await waitAllDone(h.ctx, { jobs: uploads.map((u) => u.job_id) });
  const { jobs } = await assertExactlyOnce(h.ctx, { uploads });
  recordFault('postgres_restart', { down_ms: backAt - t0, stage_at_fault: stage, recovery_ms: doneAt - backAt, jobs });
});

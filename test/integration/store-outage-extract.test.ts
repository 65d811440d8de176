// Issue 13 finding 2: the object store failing during clip-extract fails the stage (it is
// retried and completes once the store is back) instead of hanging; a worker stops within
// 10 s of SIGTERM and kills its ffmpeg children.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestHost, until } from '../helpers/host.js';
import { freshDatabase, redisAvailable, REDIS_URL } from '../helpers/services.js';
import { restartableS3 } from '../helpers/faults.js';
import { makeTestVideo } from '../helpers/videos.js';
import { alive, childrenOf, startWorker } from '../helpers/worker-process.js';

async function stageStatus(h: { ctx: { db: { query: <T>(q: string, p: unknown[]) => Promise<{ rows: T[] }> } } }, key: string) {
  const r = await h.ctx.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM jobs WHERE idempotency_key = $1', [key]);
  return r.rows[0] ?? null;
}

test('object store down during clip-extract: the stage fails instead of hanging, and completes once the store is back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sopilot-outage-'));
  const video = path.join(dir, 'long.mp4');
  await makeTestVideo(video, { durationSec: 12, width: 160, height: 120, pattern: 'moving-box' });
  const s3 = await restartableS3(`outage-${randomUUID().slice(0, 8)}`);
  // Large frames: the frames object spans several 8 MB parts, so the store fails mid-stream.
  const h = await startTestHost({
    SOPILOT_STORE_ENDPOINT: s3.url, SOPILOT_STORE_BUCKET: s3.bucket, SOPILOT_STORE_ACCESS_KEY: 'S3RVER', SOPILOT_STORE_SECRET_KEY: 'S3RVER',
    SOPILOT_FRAME_SIZE: '384', SOPILOT_SAMPLE_FPS: '10', SOPILOT_QUEUE_ATTEMPTS: '10', SOPILOT_QUEUE_BACKOFF_MS: '1000',
  });
  try {
    const r = await h.upload('/gold', video, { task_id: 'outage' });
    assert.equal(r.status, 202);
    const { video_id, job_id } = (await r.json()) as { video_id: string; job_id: string };
    const key = `clip-extract:${video_id}`;
    await until(async () => (await stageStatus(h, key))?.status === 'running', 30_000, 'extract running');
    await sleep(400);
    await s3.stop();
    const t0 = Date.now();
    await until(async () => (await stageStatus(h, key))?.status === 'failed', 20_000, 'extract to fail while the store is down (it hung)');
    const failedAfter = Date.now() - t0;
    await sleep(3000);
    await s3.start();
    await until(async () => {
      const j = (await (await h.api(`/videos/jobs/${job_id}`)).json()) as { status: string };
      return j.status === 'completed';
    }, 90_000, 'ingest after the store came back');
    const st = await stageStatus(h, key);
    assert.equal(st?.status, 'completed');
    assert.ok(failedAfter < 20_000);
    assert.equal((await h.api(`/videos/${video_id}/file`)).status, 200, 'the original is kept');
  } finally {
    await h.close();
    await s3.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM: a worker mid-extract exits within 10 s and leaves no ffmpeg behind', { skip: !(await redisAvailable()) && 'no Redis' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sopilot-sigterm-'));
  const video = path.join(dir, 'long.mp4');
  await makeTestVideo(video, { durationSec: 60, width: 320, height: 240, pattern: 'testsrc', fps: 25 });
  const pg = await freshDatabase();
  const env = {
    SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: REDIS_URL, SOPILOT_DATA_DIR: path.join(dir, 'data'),
    SOPILOT_QUEUE_PREFIX: `sigterm-${randomUUID().slice(0, 8)}`, SOPILOT_SAMPLE_FPS: '25', SOPILOT_EMBEDDER_BACKEND: 'heuristic',
    // Face detection on every frame makes the extract take far longer than the 10 s allowed to stop.
    SOPILOT_PRIVACY_MASK_ENABLED: 'true', SOPILOT_PRIVACY_FACE_BLUR: 'true',
  };
  const h = await startTestHost(env, { queues: [] });
  const w = startWorker(env);
  try {
    const r = await h.upload('/gold', video, { task_id: 'sigterm' });
    assert.equal(r.status, 202);
    const { video_id } = (await r.json()) as { video_id: string };
    const kids = await until(async () => {
      const k = childrenOf(w.proc.pid!);
      return k.length && (await stageStatus(h, `clip-extract:${video_id}`))?.status === 'running' ? k : null;
    }, 60_000, 'ffmpeg under the worker');
    const t0 = Date.now();
    w.proc.kill('SIGTERM');
    const code = await Promise.race([w.exited, sleep(10_000, 'still running')]);
    const took = Date.now() - t0;
    assert.notEqual(code, 'still running', `worker ignored SIGTERM: ${w.output()}`);
    assert.ok(took <= 10_000, `stopped after ${took} ms`);
    await sleep(200);
    assert.deepEqual(kids.filter(alive), [], 'ffmpeg children killed');
  } finally {
    if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
    await h.close();
    await pg.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

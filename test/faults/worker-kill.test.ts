// Fault: kill -9 a worker process mid-ingest and mid-score (Postgres + Redis/BullMQ + S3). A new
// worker takes the stages over once their leases lapse; every job completes exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestHost, until, type TestHost } from '../helpers/host.js';
import { freshDatabase, redisAvailable, REDIS_URL, s3Server, type S3Server } from '../helpers/services.js';
import { alive, childrenOf, startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { makeFixtures } from '../integration/pipeline-flow.js';
import { assertExactlyOnce, CASE_TIMEOUT_MS, FAULT_LEASE_MS, recordFault, untilStageRunning, waitAllDone, waitReports, type Upload } from './harness.js';

let h: TestHost;
let pg: Awaited<ReturnType<typeof freshDatabase>>;
let s3: S3Server;
let env: Record<string, string>;
let fx: Awaited<ReturnType<typeof makeFixtures>>;
const workers: WorkerProcess[] = [];
const uploads: Upload[] = [];

before(async () => {
  assert.ok(await redisAvailable(), `Redis must run at ${REDIS_URL}`);
  fx = await makeFixtures();
  pg = await freshDatabase();
  s3 = await s3Server();
  env = {
    SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: REDIS_URL, SOPILOT_QUEUE_PREFIX: `fault-kill-${randomUUID().slice(0, 8)}`,
    SOPILOT_STORE_ENDPOINT: s3.endpoint, SOPILOT_STORE_BUCKET: s3.bucket, SOPILOT_STORE_ACCESS_KEY: s3.accessKey, SOPILOT_STORE_SECRET_KEY: s3.secretKey,
    SOPILOT_STAGE_LEASE_MS: String(FAULT_LEASE_MS), SOPILOT_QUEUE_BACKOFF_MS: '1000', SOPILOT_EMBEDDER_BACKEND: 'heuristic',
  };
  // The API host only accepts work; the workers are separate processes, killed with SIGKILL.
  h = await startTestHost(env, { queues: [] });
});
after(async () => {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
  await h?.close();
  await s3?.stop();
  await pg?.drop();
});

function worker(): WorkerProcess {
  const w = startWorker(env);
  workers.push(w);
  return w;
}

async function kill9(w: WorkerProcess): Promise<number> {
  w.proc.kill('SIGKILL');
  await w.exited;
  return Date.now();
}

test('kill -9 a worker mid-ingest: a new worker finishes every ingest, each stage once', { timeout: CASE_TIMEOUT_MS }, async () => {
  const a = worker();
  for (const [route, file, role] of [['/gold', fx.gold, 'gold'], ['/videos', fx.trainee, 'trainee']] as const) {
    const r = await h.upload(route, file, { task_id: 'fault-kill', role });
    assert.equal(r.status, 202);
    uploads.push({ ...((await r.json()) as { video_id: string; job_id: string }), file });
  }
  // Kill while ffmpeg decodes (clip-extract), to see that it does not outlive its worker.
  let kids: number[] = [];
  for (const end = Date.now() + 30_000; !kids.length && Date.now() < end; ) {
    kids = childrenOf(a.proc.pid!);
    if (!kids.length) await new Promise((r) => setTimeout(r, 5));
  }
  const stage = await untilStageRunning(h.ctx, ['clip-extract', 'embed']);
  const killedAt = await kill9(a);
  // No handler runs after a SIGKILL: its ffmpeg must end on its own (its output pipe is gone).
  await until(async () => kids.filter(alive).length === 0, 5000, `orphaned ffmpeg ${kids.filter(alive).join(', ')} to exit`);
  worker();
  const doneAt = await waitAllDone(h.ctx, { jobs: uploads.map((u) => u.job_id) });
  const { jobs } = await assertExactlyOnce(h.ctx, { uploads });
  recordFault('worker_kill_mid_ingest', { stage_killed: stage, recovery_ms: doneAt - killedAt, jobs, ffmpeg_children_at_kill: kids.length });
});

test('kill -9 a worker mid-score: a new worker finishes the score and its report, each stage once', { timeout: CASE_TIMEOUT_MS }, async () => {
  assert.equal(uploads.length, 2, 'the ingest case ran first');
  const scores: string[] = [];
  let stage: string | null = null;
  let killedAt = 0;
  // The score stages are short: if one whole score slipped between two polls, score again.
  for (let i = 0; i < 3 && !stage; i++) {
    const r = await h.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: uploads[0].video_id, trainee_video_id: uploads[1].video_id }) });
    assert.equal(r.status, 202, await r.clone().text());
    const id = ((await r.json()) as { score_job_id: string }).score_job_id;
    scores.push(id);
    stage = await untilStageRunning(h.ctx, ['align', 'score', 'report'], 15_000).catch(() => null);
    if (stage) killedAt = await kill9(workers.at(-1)!);
  }
  assert.ok(stage, 'caught a score stage running');
  worker();
  await waitAllDone(h.ctx, { scores });
  const doneAt = await waitReports(h.ctx, scores);
  const { jobs } = await assertExactlyOnce(h.ctx, { uploads, scores });
  recordFault('worker_kill_mid_score', { stage_killed: stage, recovery_ms: doneAt - killedAt, jobs, scores: scores.length });
});

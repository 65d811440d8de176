// Issue 13 finding 1: a stage claimed by a dead worker is taken over once its lease lapses
// (BullMQ waits for it without spending tries); a live worker's heartbeat keeps its claim; on
// embedded defaults, work interrupted by a stop resumes at the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestHost, until } from '../helpers/host.js';
import { freshDatabase, redisAvailable, REDIS_URL } from '../helpers/services.js';
import { makeFixtures } from './pipeline-flow.js';
import { openDb } from '../../shared/db/index.js';
import { ClaimLostError, runStage, StageBusyError } from '../../shared/jobs/index.js';
import { createDispatcher } from '../../shared/events/dispatch.js';
import { eventFunctions } from '../../functions/registry.js';
import { QUEUES } from '../../shared/events/types.js';

test('heartbeat: a stage running longer than its lease keeps its claim; once it stops, the next delivery takes it over', async () => {
  const db = await openDb({});
  try {
    const spec = { kind: 'embed', key: 'embed:hb', input: {}, leaseMs: 300 };
    let release!: () => void;
    const first = runStage(db, spec, () => new Promise<{ ok: number }>((r) => (release = () => r({ ok: 1 }))));
    await sleep(900); // three leases: without renewal the claim would have lapsed
    await assert.rejects(runStage(db, spec, async () => ({ ok: 2 })), StageBusyError);
    release();
    assert.deepEqual((await first).output, { ok: 1 });
    // A claim nobody renews (its worker died) lapses after one lease.
    await db.query("UPDATE jobs SET status = 'running', updated_at = now() WHERE idempotency_key = 'embed:hb'");
    await db.query("INSERT INTO jobs (id, kind, status, idempotency_key, input) VALUES ('job_dead', 'embed', 'running', 'embed:dead', '{}')");
    await assert.rejects(runStage(db, { ...spec, key: 'embed:dead' }, async () => ({ ok: 3 })), StageBusyError);
    await sleep(400);
    const taken = await runStage(db, { ...spec, key: 'embed:dead' }, async () => ({ ok: 3 }));
    assert.equal(taken.ran, true);
    // A run whose claim was taken over meanwhile (it could not renew in time) does not record its result.
    let resume!: () => void;
    const slow = runStage(db, { ...spec, key: 'embed:lost' }, () => new Promise<{ ok: number }>((r) => (resume = () => r({ ok: 4 }))));
    await sleep(50);
    await db.query("UPDATE jobs SET attempts = attempts + 1 WHERE idempotency_key = 'embed:lost'");
    resume();
    await assert.rejects(slow, ClaimLostError);
    const lost = await db.query<{ status: string; output: unknown }>("SELECT status, output FROM jobs WHERE idempotency_key = 'embed:lost'");
    assert.deepEqual(lost.rows[0], { status: 'running', output: null }, 'left to the run that took it over');
  } finally {
    await db.close();
  }
});

test('BullMQ: a stage left claimed by a killed worker completes once its lease lapses, without spending the tries', { skip: !(await redisAvailable()) && 'no Redis' }, async () => {
  const fx = await makeFixtures();
  const pg = await freshDatabase();
  // Two tries only: before the fix, every "running elsewhere" answer spent one and the event was dead-lettered.
  const h = await startTestHost({ SOPILOT_DATABASE_URL: pg.url, SOPILOT_REDIS_URL: REDIS_URL, SOPILOT_STAGE_LEASE_MS: '3000', SOPILOT_QUEUE_ATTEMPTS: '2', SOPILOT_QUEUE_BACKOFF_MS: '100' }, { queues: [] });
  try {
    // The video id is made by the upload; claim its clip-extract stage as a worker that then died would have.
    const r = await h.upload('/gold', fx.gold, { task_id: 'lease' });
    assert.equal(r.status, 202);
    const { video_id, job_id } = (await r.json()) as { video_id: string; job_id: string };
    const t0 = Date.now();
    await h.ctx.db.query(
      `INSERT INTO jobs (id, kind, status, attempts, idempotency_key, video_id, input, updated_at) VALUES ($1, 'clip-extract', 'running', 1, $2, $3, '{}', now())
       ON CONFLICT (idempotency_key) DO UPDATE SET status = 'running', updated_at = now()`,
      [`job_dead_${video_id}`, `clip-extract:${video_id}`, video_id],
    );
    // Only now does a (new) worker consume the queue.
    await h.ctx.bus.consume(QUEUES, createDispatcher(h.ctx, eventFunctions, 'bullmq'));
    const job = await until(async () => {
      const j = (await (await h.api(`/videos/jobs/${job_id}`)).json()) as { status: string; error: string | null };
      return j.status === 'completed' || j.status === 'failed' ? j : null;
    }, 45_000, 'ingest');
    assert.equal(job.status, 'completed', String(job.error));
    const took = Date.now() - t0;
    assert.ok(took < 3000 * 3 + 10_000, `reclaimed after ${took} ms`);
    const runs = await h.ctx.db.query<{ status: string }>('SELECT status FROM jobs WHERE idempotency_key = $1', [`clip-extract:${video_id}`]);
    assert.equal(runs.rows[0].status, 'completed');
    const dead = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_events');
    assert.equal(dead.rows[0].n, 0, 'nothing dead-lettered');
  } finally {
    await h.close();
    await pg.drop();
  }
});

test('embedded defaults: an ingest and a score interrupted by a stop resume at the next start', async () => {
  const fx = await makeFixtures();
  const data = mkdtempSync(path.join(os.tmpdir(), 'sopilot-resume-'));
  try {
    // First run: indexed gold and trainee, then a score and a new upload are accepted but the host stops before any runs.
    const a = await startTestHost({ SOPILOT_DATA_DIR: data });
    const g = (await (await a.upload('/gold', fx.gold, { task_id: 'resume' })).json()) as { video_id: string };
    const t = (await (await a.upload('/videos', fx.trainee, { task_id: 'resume' })).json()) as { video_id: string };
    await a.ctx.bus.idle(90_000);
    await a.close();
    const b = await startTestHost({ SOPILOT_DATA_DIR: data }, { queues: [] });
    const s = (await (await b.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: g.video_id, trainee_video_id: t.video_id }) })).json()) as { score_job_id: string };
    const up = (await (await b.upload('/videos', fx.trainee, { task_id: 'resume' })).json()) as { video_id: string; job_id: string };
    await b.close();
    // Second run with consumers: both finish without anyone sending anything again.
    const c = await startTestHost({ SOPILOT_DATA_DIR: data });
    try {
      await until(async () => ((await (await c.api(`/videos/${up.video_id}`)).json()) as { status: string }).status === 'indexed', 60_000, 'resumed ingest');
      await until(async () => ((await (await c.api(`/score/${s.score_job_id}`)).json()) as { status: string }).status === 'completed', 60_000, 'resumed score');
      const runs = await c.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE idempotency_key = $1 AND status = 'completed'", [`clip-extract:${up.video_id}`]);
      assert.equal(runs.rows[0].n, 1);
    } finally {
      await c.close();
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../shared/db/index.js';
import { createJob, getJob, runStage, StageBusyError, onJobTransition } from '../../shared/jobs/index.js';

let db: Db;
before(async () => {
  db = await openDb({}); // in-memory PGlite with every migration
});
after(async () => db?.close());

test('createJob: an idempotency key gives back the existing job', async () => {
  const a = await createJob(db, { kind: 'ingest', idempotencyKey: 'k1', input: { x: 1 } });
  const b = await createJob(db, { kind: 'ingest', idempotencyKey: 'k1', input: { x: 2 } });
  assert.equal(a.created, true);
  assert.equal(b.created, false);
  assert.equal(b.job.id, a.job.id);
  assert.equal((await getJob(db, a.job.id))!.status, 'queued');
});

test('runStage: runs once per key; a duplicate gets the stored output; a failure can be retried', async () => {
  const transitions: string[] = [];
  onJobTransition(async (j, from) => void transitions.push(`${from ?? '-'}>${j.status}`));
  let runs = 0;
  const first = await runStage(db, { kind: 'embed', key: 'embed:v1', input: {} }, async () => ({ clips: ++runs }));
  const again = await runStage(db, { kind: 'embed', key: 'embed:v1', input: {} }, async () => ({ clips: ++runs }));
  assert.equal(first.ran, true);
  assert.equal(again.ran, false);
  assert.deepEqual(again.output, { clips: 1 });
  assert.equal(runs, 1);
  assert.deepEqual(transitions, ['->queued', 'queued>running', 'running>completed']);

  let attempt = 0;
  await assert.rejects(runStage(db, { kind: 'score', key: 'score:s1', input: {} }, async () => { attempt++; throw new Error('db went away'); }), /db went away/);
  const failed = (await db.query<{ status: string; error: string; attempts: number }>("SELECT status, error, attempts FROM jobs WHERE idempotency_key = 'score:s1'")).rows[0];
  assert.deepEqual([failed.status, failed.error, failed.attempts], ['failed', 'db went away', 1]);
  const retried = await runStage(db, { kind: 'score', key: 'score:s1', input: {} }, async () => { attempt++; return { ok: true }; });
  assert.equal(retried.ran, true);
  assert.equal(retried.job.attempts, 2);
  assert.equal(attempt, 2);
  onJobTransition(null);
});

test('runStage: a second delivery while the first runs is told to retry later', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = runStage(db, { kind: 'align', key: 'align:x', input: {} }, async () => {
    await gate;
    return { done: true };
  });
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(runStage(db, { kind: 'align', key: 'align:x', input: {} }, async () => ({ done: false })), StageBusyError);
  release();
  assert.deepEqual((await slow).output, { done: true });
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { makeFixtures, scoreAndRead, uploadAndIngest, waitJob } from './pipeline-flow.js';

let h: TestHost;
let fx: Awaited<ReturnType<typeof makeFixtures>>;

before(async () => {
  fx = await makeFixtures();
  // Embedded defaults: PGlite, local folder store, in-process queue; a 1 MB upload limit for the 413 case.
  h = await startTestHost({ SOPILOT_UPLOAD_MAX_MB: '1' });
});
after(async () => h?.close());

test('embedded defaults: upload, ingest, read back, score, play back with ranges', async () => {
  const ids = await uploadAndIngest(h, fx);
  const list = (await (await h.api('/videos?task_id=task-1&limit=1')).json()) as { items: unknown[]; next_cursor: string | null };
  assert.equal(list.items.length, 1);
  assert.ok(list.next_cursor, 'pagination cursor');
  const page2 = (await (await h.api(`/videos?task_id=task-1&limit=1&cursor=${list.next_cursor}`)).json()) as { items: Array<{ id: string }> };
  assert.equal(page2.items.length, 1);

  const full = await h.api(`/videos/${ids.goldId}/file`);
  assert.equal(full.status, 200);
  const bytes = Buffer.from(await full.arrayBuffer());
  assert.deepEqual(bytes, readFileSync(fx.gold));
  const part = await h.api(`/videos/${ids.goldId}/file`, { headers: { Range: 'bytes=10-19' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 10-19/${bytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 20));
  const bad = await h.api(`/videos/${ids.goldId}/file`, { headers: { Range: `bytes=${bytes.length + 5}-` } });
  assert.equal(bad.status, 416);

  const s = await scoreAndRead(h, ids.goldId, ids.traineeId);
  assert.equal(s.status, 'completed', String(s.error));
  assert.equal(typeof s.score, 'number');
  assert.ok(Array.isArray(s.path) && (s.path as unknown[]).length > 0);
  const pdf = await h.api(`/score/${s.id}/report.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
});

test('bad input: non-video 415, missing task_id 400, oversized 413 — nothing stored', async () => {
  const objects = () => h.ctx.store.list('raw/');
  const before = (await objects()).length;
  const nv = await h.upload('/videos', fx.text, { task_id: 'task-1' });
  assert.equal(nv.status, 415);
  assert.equal(((await nv.json()) as { error: { code: string } }).error.code, 'unsupported_media_type');
  const nt = await h.upload('/videos', fx.gold, {});
  assert.equal(nt.status, 400);
  assert.match(((await nt.json()) as { error: { message: string } }).error.message, /task_id/);
  const big = path.join(fx.dir, 'big.mp4');
  // A real mp4 header followed by 2 MB: past the 1 MB limit while streaming.
  writeFileSync(big, Buffer.concat([readFileSync(fx.gold).subarray(0, 64), Buffer.alloc(2 * 1024 * 1024, 7)]));
  assert.ok(statSync(big).size > 1024 * 1024);
  const tl = await h.upload('/videos', big, { task_id: 'task-1' });
  assert.equal(tl.status, 413);
  assert.match(((await tl.json()) as { error: { message: string } }).error.message, /limit of 1 MB/);
  assert.equal((await objects()).length, before, 'no partial object left behind');
  const rows = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM videos WHERE task_id = 'task-1'");
  assert.equal(rows.rows[0].n, 2);
});

test('a corrupt video fails its ingest job with a clear error and keeps the original', async () => {
  const bad = path.join(fx.dir, 'corrupt.mp4');
  // A valid-looking mp4 signature with garbage after it.
  writeFileSync(bad, Buffer.concat([readFileSync(fx.gold).subarray(0, 32), Buffer.alloc(50_000, 3)]));
  const r = await h.upload('/videos', bad, { task_id: 'task-1' });
  assert.equal(r.status, 202);
  const b = (await r.json()) as { video_id: string; job_id: string };
  const j = await waitJob(h, b.job_id);
  assert.equal(j.status, 'failed');
  assert.match(String(j.error), /cannot be read|damaged|corrupt/);
  const v = (await (await h.api(`/videos/${b.video_id}`)).json()) as { status: string; error: string };
  assert.equal(v.status, 'failed');
  const orig = await h.api(`/videos/${b.video_id}/file`);
  assert.equal(orig.status, 200, 'original kept');
});

test('malformed CloudEvent is rejected with 400 and recorded; duplicate delivery runs a stage once', async () => {
  const bad = await h.api('/events', { method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x1', 'ce-source': '/t', 'ce-type': 'com.sopilot.video.uploaded' }, body: JSON.stringify({ video_id: 42 }) });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'malformed_event');
  const unknown = await h.api('/events', { method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x2', 'ce-source': '/t', 'ce-type': 'com.evil.thing' }, body: '{}' });
  assert.equal(unknown.status, 400);
  const rej = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_events');
  assert.ok(rej.rows[0].n >= 2);
  assert.equal((await h.api('/health', { as: null })).status, 200, 'host still up');

  const ids = await uploadAndIngest(h, fx);
  const before = await h.ctx.db.query<{ attempts: number; status: string }>("SELECT attempts, status FROM jobs WHERE idempotency_key = $1", [`clip-extract:${ids.goldId}`]);
  const v = (await (await h.api(`/videos/${ids.goldId}`)).json()) as { task_id: string };
  // Deliver the same upload event twice more, under new event ids (as a broker retry would).
  for (const id of ['dup-1', 'dup-2']) {
    const r = await h.api('/events', { as: 'service',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/t', 'ce-type': 'com.sopilot.video.uploaded' },
      body: JSON.stringify({ video_id: ids.goldId, job_id: ids.goldJob, task_id: v.task_id, role: 'gold', object_key: (await h.ctx.db.query<{ object_key: string }>('SELECT object_key FROM videos WHERE id = $1', [ids.goldId])).rows[0].object_key }),
    });
    assert.equal(r.status, 202);
  }
  await h.ctx.bus.idle();
  const after = await h.ctx.db.query<{ attempts: number; status: string }>("SELECT attempts, status FROM jobs WHERE idempotency_key = $1", [`clip-extract:${ids.goldId}`]);
  assert.deepEqual(after.rows, before.rows, 'clip-extract ran once');
  const clips = await h.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clip_embeddings WHERE video_id = $1', [ids.goldId]);
  const v2 = (await (await h.api(`/videos/${ids.goldId}`)).json()) as { clip_count: number };
  assert.equal(clips.rows[0].n, v2.clip_count, 'no duplicated embeddings');
  assert.equal(existsSync(path.join(h.dataDir, 'pglite')), true);
});

test('a new model for a task re-embeds its older videos: the index is rebuilt, not mixed', async () => {
  const { HeuristicClipEmbedder } = await import('../../shared/vision/heuristic-embedder.js');
  const g = await h.upload('/gold', fx.gold, { task_id: 'model-swap' });
  const { video_id: oldId } = (await g.json()) as { video_id: string };
  await h.ctx.bus.idle();
  const before = (await h.ctx.db.query<{ embedder: string; embedding_dim: number }>('SELECT embedder, embedding_dim FROM videos WHERE id = $1', [oldId])).rows[0];
  // Install a different model in this process (another feature layout: other name, other dimension).
  const next = new HeuristicClipEmbedder({ grid: 4 });
  assert.notEqual(next.dim, before.embedding_dim);
  h.ctx.services.set('embedder', Promise.resolve(next));
  const t = await h.upload('/videos', fx.trainee, { task_id: 'model-swap' });
  const { video_id: newId } = (await t.json()) as { video_id: string };
  await h.ctx.bus.idle();
  const rows = (await h.ctx.db.query<{ id: string; embedder: string; embedding_dim: number }>("SELECT id, embedder, embedding_dim FROM videos WHERE task_id = 'model-swap'")).rows;
  assert.equal(new Set(rows.map((r) => r.embedder)).size, 1, JSON.stringify(rows));
  assert.equal(rows[0].embedding_dim, next.dim);
  const dims = await h.ctx.db.query<{ dim: number }>('SELECT DISTINCT dim FROM clip_embeddings WHERE video_id = ANY($1::text[])', [[oldId, newId]]);
  assert.deepEqual(dims.rows.map((r) => r.dim), [next.dim]);
  h.ctx.services.delete('embedder');
});

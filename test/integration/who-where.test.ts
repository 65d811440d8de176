/** worker_id / station / shift: on uploads, from watch-folder paths and from bucket-drop folders or metadata (real Postgres and S3). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHost, TOKENS, type TestHost } from '../helpers/host.js';
import { freshDatabase, s3Server, type S3Server } from '../helpers/services.js';
import { makeTestVideo } from '../helpers/videos.js';
import { scanOnce } from '../../cli/watch.js';

let h: TestHost;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let s3: S3Server;
let video: string;
before(async () => {
  db = await freshDatabase();
  s3 = await s3Server();
  video = path.join(mkdtempSync(path.join(os.tmpdir(), 'who-')), 'v.mp4');
  await makeTestVideo(video, { durationSec: 2, width: 64, height: 48, pattern: 'testsrc' });
  h = await startTestHost({
    SOPILOT_DATABASE_URL: db.url,
    SOPILOT_STORE_ENDPOINT: s3.endpoint,
    SOPILOT_STORE_BUCKET: s3.bucket,
    SOPILOT_STORE_ACCESS_KEY: s3.accessKey,
    SOPILOT_STORE_SECRET_KEY: s3.secretKey,
  });
});
after(async () => {
  await h?.close();
  await s3?.stop();
  await db?.drop();
});

type V = { id: string; worker_id: string | null; station: string | null; shift: string | null };

test('POST /videos and POST /gold store worker_id, station, shift; GET /videos filters by them', async () => {
  const r = await h.upload('/videos', video, { task_id: 'who-task', worker_id: ' W-0042 ', station: 'Line 3', shift: 'night' }, 'operator');
  assert.equal(r.status, 202, await r.clone().text());
  const { video_id } = (await r.json()) as { video_id: string };
  const v = (await (await h.api(`/videos/${video_id}`)).json()) as V;
  assert.deepEqual([v.worker_id, v.station, v.shift], ['W-0042', 'Line 3', 'night'], 'trimmed and stored');
  const g = await h.upload('/gold', video, { task_id: 'who-task', station: 'Line 3' }, 'operator');
  const gv = (await (await h.api(`/videos/${((await g.json()) as { video_id: string }).video_id}`)).json()) as V;
  assert.deepEqual([gv.worker_id, gv.station, gv.shift], [null, 'Line 3', null]);
  const byWorker = (await (await h.api('/videos?worker_id=W-0042')).json()) as { items: V[] };
  assert.deepEqual(byWorker.items.map((x) => x.id), [video_id]);
  const byStation = (await (await h.api('/videos?station=Line%203')).json()) as { items: V[] };
  assert.equal(byStation.items.length, 2);
});

test('a bad worker_id is a 400 naming the field, and nothing is stored', async () => {
  const before = (await h.ctx.db.query('SELECT count(*)::int AS n FROM videos')).rows[0].n;
  const objects = (await h.ctx.store.list('raw/')).length;
  for (const bad of ['<script>', 'x'.repeat(101), '-leading-dash']) {
    const r = await h.upload('/videos', video, { task_id: 'who-task', worker_id: bad }, 'operator');
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /worker_id/);
  }
  assert.equal((await h.ctx.db.query('SELECT count(*)::int AS n FROM videos')).rows[0].n, before);
  assert.equal((await h.ctx.store.list('raw/')).length, objects, 'the refused uploads left no object behind');
});

test('sopilot-watch reads worker_id=/station=/shift= folders', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watch-who-'));
  const sub = path.join(dir, 'watch-task', 'trainee', 'worker_id=W7', 'station=S2');
  mkdirSync(sub, { recursive: true });
  copyFileSync(video, path.join(sub, 'run1.mp4'));
  mkdirSync(path.join(dir, 'watch-task', 'trainee', 'worker_id=bad<'), { recursive: true });
  copyFileSync(video, path.join(dir, 'watch-task', 'trainee', 'worker_id=bad<', 'run2.mp4'));
  const logs: string[] = [];
  const done: Record<string, { size: number; mtimeMs: number; video_id: string }> = {};
  const n = await scanOnce({ dir, baseUrl: h.url, token: TOKENS.operator, intervalMs: 10, stableMs: 0, once: true, log: (s) => logs.push(s) }, new Map(), done);
  assert.equal(n, 1, logs.join('\n'));
  assert.ok(logs.some((l) => /skipping .*run2\.mp4: worker_id/.test(l)), logs.join('\n'));
  const v = (await (await h.api(`/videos/${Object.values(done)[0].video_id}`)).json()) as V;
  assert.deepEqual([v.worker_id, v.station, v.shift], ['W7', 'S2', null]);
});

test('bucket drop: who/where from key=value folders, else from the object metadata', async () => {
  const bytes = readFileSync(video);
  await h.ctx.store.put('inbox/drop-who/trainee/worker_id=W9/shift=A/cam.mp4', bytes, { contentType: 'video/mp4' });
  await h.ctx.store.put('inbox/drop-who/trainee/cam2.mp4', bytes, { contentType: 'video/mp4', metadata: { 'worker-id': 'W10', station: 'Bay 4' } });
  await h.ctx.store.put('inbox/drop-who/trainee/operator=W11/cam3.mp4', bytes, { contentType: 'video/mp4' });
  const rec = (key: string) => ({ eventName: 's3:ObjectCreated:Put', s3: { object: { key, eTag: 'e1' } } });
  const r = await h.api('/bucket/notify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Records: ['inbox/drop-who/trainee/worker_id=W9/shift=A/cam.mp4', 'inbox/drop-who/trainee/cam2.mp4', 'inbox/drop-who/trainee/operator=W11/cam3.mp4'].map(rec) }),
    as: 'operator',
  });
  assert.equal(r.status, 202);
  const b = (await r.json()) as { registered: Array<{ key: string; video_id: string }>; skipped: Array<{ key: string; reason: string }> };
  assert.equal(b.registered.length, 2, JSON.stringify(b));
  assert.match(b.skipped[0].reason, /operator=W11/);
  const who = await Promise.all(b.registered.map(async (x) => (await (await h.api(`/videos/${x.video_id}`)).json()) as V));
  assert.deepEqual(who.map((v) => [v.worker_id, v.station, v.shift]), [['W9', null, 'A'], ['W10', 'Bay 4', null]]);
});

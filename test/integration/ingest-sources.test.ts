/** Bucket-drop notifications, the watched folder, and privacy masking in the real pipeline. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { probeVideo } from '../../shared/media/probe.js';
import { decodeFrames } from '../../shared/media/decode.js';
import os from 'node:os';
import path from 'node:path';
import { startTestHost, TOKENS, until, type TestHost } from '../helpers/host.js';
import { makeTestVideo } from '../helpers/videos.js';
import { getBuffer } from '../../shared/store/index.js';
import { scanOnce } from '../../cli/watch.js';

let h: TestHost;
let video: string;
before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'src-'));
  video = path.join(dir, 'v.mp4');
  await makeTestVideo(video, { durationSec: 4, width: 160, height: 120, pattern: 'color', color: 'white' });
  // Masking on: a static black rectangle over the left half.
  h = await startTestHost({ SOPILOT_PRIVACY_MASK_ENABLED: 'true', SOPILOT_PRIVACY_MASK_RECTS: '0:0:0.5:1', SOPILOT_PRIVACY_MASK_MODE: 'black' });
});
after(async () => h?.close());

const notification = (key: string, eTag: string) => ({
  Records: [{ eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: h.ctx.config.STORE_BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1, eTag } } }],
});

test('bucket drop: an object under inbox/<task>/<role>/ is registered and ingested once per version', async () => {
  const key = 'inbox/drop-task/trainee/cam 1.mp4';
  await h.ctx.store.put(key, readFileSync(video), { contentType: 'video/mp4' });
  const post = (body: unknown) => h.api('/bucket/notify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as: 'operator' });
  const r1 = (await (await post(notification(key, 'etag-1'))).json()) as { registered: Array<{ video_id: string; job_id: string }>; duplicates: unknown[] };
  assert.equal(r1.registered.length, 1);
  const r2 = (await (await post(notification(key, 'etag-1'))).json()) as { registered: unknown[]; duplicates: Array<{ video_id: string }> };
  assert.equal(r2.registered.length, 0, 'same version again: no second video');
  assert.equal(r2.duplicates[0].video_id, r1.registered[0].video_id);
  const other = (await (await post({ Records: [{ s3: { object: { key: 'elsewhere/x.mp4' } } }] })).json()) as { skipped: Array<{ reason: string }> };
  assert.match(other.skipped[0].reason, /inbox/);
  // The same notification as a CloudEvent.
  const ce = await h.api('/events', { method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'n-2', 'ce-source': '/minio', 'ce-type': 'com.sopilot.object.created' }, body: JSON.stringify(notification(key, 'etag-2')) });
  assert.equal(ce.status, 202);
  await h.ctx.bus.idle();
  const vids = await h.ctx.db.query<{ id: string; status: string; role: string }>("SELECT id, status, role FROM videos WHERE task_id = 'drop-task' ORDER BY created_at");
  assert.equal(vids.rows.length, 2, 'a new version is a new video');
  assert.deepEqual(vids.rows.map((v) => [v.status, v.role]), [['indexed', 'trainee'], ['indexed', 'trainee']]);
  const bad = await post({ Records: [] });
  assert.equal(bad.status, 400);
});

test('privacy mask: frames are masked before embedding and playback serves the masked rendition', async () => {
  const r = await h.upload('/videos', video, { task_id: 'mask-task' });
  const { video_id } = (await r.json()) as { video_id: string };
  await h.ctx.bus.idle();
  const m = JSON.parse((await getBuffer(h.ctx.store, `derived/${video_id}/clips.json`)).toString()) as { width: number; height: number; masked: boolean; frame_count: number };
  assert.equal(m.masked, true);
  const frames = await getBuffer(h.ctx.store, `derived/${video_id}/frames.rgb`);
  const first = frames.subarray(0, m.width * m.height * 3);
  // 224x224 letterbox of a 4:3 white video: the image spans rows ~28..196. Left half black, right half white.
  const px = (x: number, y: number) => first[(y * m.width + x) * 3];
  assert.equal(px(40, 112), 0, 'masked region is black');
  assert.equal(px(m.width / 2 - 2, 112), 0);
  assert.ok(px(180, 112) > 200, 'outside the mask untouched');
  const v = (await (await h.api(`/videos/${video_id}`)).json()) as { status: string };
  assert.equal(v.status, 'indexed');
  const play = await h.api(`/videos/${video_id}/file`);
  assert.equal(play.status, 200);
  assert.equal(play.headers.get('content-type'), 'video/mp4');
  const served = Buffer.from(await play.arrayBuffer());
  assert.notDeepEqual(served, readFileSync(video), 'the unmasked original is not what playback serves');
  // The rendition keeps the source's size and is masked in every frame.
  const pb = path.join(mkdtempSync(path.join(os.tmpdir(), 'pb-')), 'playback.mp4');
  writeFileSync(pb, served);
  const info = await probeVideo(pb);
  assert.deepEqual([info.width, info.height], [160, 120]);
  let seen = 0;
  for await (const f of decodeFrames(pb, { fps: 2, width: 160, height: 120, resize: 'stretch' })) {
    const at = (x: number, y: number) => f.frame.data[(y * 160 + x) * 3];
    assert.ok(at(20, 60) < 16, `masked left half, frame ${f.index}: ${at(20, 60)}`);
    assert.ok(at(140, 60) > 200, `right half untouched, frame ${f.index}`);
    seen++;
  }
  assert.ok(seen >= 6);
});

test('sopilot-watch: uploads a file once it stops growing, once', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watch-'));
  mkdirSync(path.join(dir, 'watch-task', 'gold'), { recursive: true });
  copyFileSync(video, path.join(dir, 'watch-task', 'gold', 'shift1.mp4'));
  const logs: string[] = [];
  const opts = { dir, baseUrl: h.url, token: TOKENS.operator, intervalMs: 10, stableMs: 50, once: false, log: (s: string) => logs.push(s) };
  const pending = new Map();
  const done: Record<string, { size: number; mtimeMs: number; video_id: string }> = {};
  assert.equal(await scanOnce(opts, pending, done), 0, 'first sight: wait for the size to settle');
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(await scanOnce(opts, pending, done), 1, logs.join('\n'));
  assert.equal(await scanOnce(opts, pending, done), 0, 'not uploaded twice');
  const id = Object.values(done)[0].video_id;
  const v = await until(async () => {
    const x = (await (await h.api(`/videos/${id}`)).json()) as { status: string; role: string; task_id: string };
    return x.status === 'indexed' ? x : null;
  }, 30_000, 'watched upload indexed');
  assert.equal(v.role, 'gold');
  assert.equal(v.task_id, 'watch-task');
});

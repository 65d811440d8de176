// Issue 13 findings 4, 5 and 11: content types come from probing, nosniff everywhere and a
// Content-Disposition on downloads; a chunked body over the limit is refused as soon as it
// crosses it; clients cannot hold a connection without sending headers; long task ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import { startTestHost, TOKENS, until, type TestHost } from '../helpers/host.js';
import { makeFixtures, waitJob } from './pipeline-flow.js';

let h: TestHost;
let fx: Awaited<ReturnType<typeof makeFixtures>>;
before(async () => {
  fx = await makeFixtures();
  h = await startTestHost({ SOPILOT_UPLOAD_MAX_MB: '1', SOPILOT_HTTP_HEADERS_TIMEOUT_MS: '1000' });
});
after(async () => h?.close());

test('an mp4 uploaded as text/html is stored and served as video/mp4, with nosniff, a sandbox CSP and Content-Disposition', async () => {
  const form = new FormData();
  form.set('task_id', 'ctype');
  form.set('file', new Blob([readFileSync(fx.gold)], { type: 'text/html' }), 'page.html');
  const r = await h.api('/gold', { method: 'POST', body: form });
  assert.equal(r.status, 202, await r.clone().text());
  const { video_id, job_id } = (await r.json()) as { video_id: string; job_id: string };
  await waitJob(h, job_id);
  const row = await h.ctx.db.query<{ content_type: string }>('SELECT content_type FROM videos WHERE id = $1', [video_id]);
  assert.equal(row.rows[0].content_type, 'video/mp4');
  const f = await h.api(`/videos/${video_id}/file`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'video/mp4');
  assert.equal(f.headers.get('x-content-type-options'), 'nosniff');
  assert.match(f.headers.get('content-disposition') ?? '', /^attachment; filename="page.html"/);
  assert.match(f.headers.get('content-security-policy') ?? '', /sandbox/);
  // A row stored before probing, with a client's type: served as bytes, not as a page.
  await h.ctx.db.query("UPDATE videos SET content_type = 'text/html' WHERE id = $1", [video_id]);
  assert.equal((await h.api(`/videos/${video_id}/file`)).headers.get('content-type'), 'application/octet-stream');
  for (const p of ['/health', '/videos', '/no/such/route', '/ui']) {
    assert.equal((await h.api(p)).headers.get('x-content-type-options'), 'nosniff', p);
  }
});

test('a chunked upload over the limit gets 413 as soon as it crosses it, and nothing is kept', async () => {
  const url = new URL(h.url);
  const boundary = 'xBOUNDARYx';
  const video = readFileSync(fx.gold);
  const result = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
    let sent = 0;
    let done = false;
    const req = request({ host: url.hostname, port: url.port, path: '/videos', method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      done = true;
      res.resume();
      resolve({ status: res.statusCode!, sentBytes: sent });
      req.destroy();
    });
    req.on('error', (e) => (done ? undefined : reject(e)));
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="task_id"\r\n\r\nbig\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    req.write(video);
    sent = video.length;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      if (done) return;
      if (sent > 64 * 1024 * 1024) return reject(new Error('64 MB sent without an answer'));
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', pump);
    };
    pump();
  });
  assert.equal(result.status, 413);
  assert.ok(result.sentBytes < 8 * 1024 * 1024, `answered after ${result.sentBytes} bytes`);
  await new Promise((r) => setTimeout(r, 300));
  const rows = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM videos WHERE task_id = 'big'");
  assert.equal(rows.rows[0].n, 0);
});

test('a client that does not finish its headers is cut off after the headers timeout', async () => {
  const url = new URL(h.url);
  const t0 = Date.now();
  const closedAfter = await new Promise<number>((resolve) => {
    const s = connect(Number(url.port), url.hostname, () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
    s.on('data', () => undefined);
    s.on('close', () => resolve(Date.now() - t0));
    setTimeout(() => (s.destroy(), resolve(Infinity)), 8000);
  });
  assert.ok(closedAfter < 4000, `connection still open after ${closedAfter} ms`);
});

test('a task_id over 200 characters is answered with that, not "task_id is required"', async () => {
  const r = await h.upload('/videos', fx.gold, { task_id: 'x'.repeat(201) });
  assert.equal(r.status, 400);
  const msg = ((await r.json()) as { error: { message: string } }).error.message;
  assert.match(msg, /at most 200/);
  assert.doesNotMatch(msg, /required/);
});

test('an upload the client abandons mid-body leaves nothing behind, not even a temporary file', async () => {
  const url = new URL(h.url);
  const boundary = 'yBOUNDARYy';
  const video = readFileSync(fx.trainee);
  for (const bytes of [40, 200_000]) {
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/videos', method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="task_id"\r\n\r\nabandoned\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n`);
      req.write(Buffer.concat([video, Buffer.alloc(bytes)]).subarray(0, bytes), () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
  }
  const leftovers = () => {
    const out: string[] = [];
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.join(d, e.name));
    };
    walk(path.join(h.dataDir, 'store', 'objects', 'raw'));
    return out.filter((f) => f.includes('.tmp-'));
  };
  await until(async () => leftovers().length === 0, 5000, `temporary files to go: ${leftovers().join(', ')}`);
  const rows = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM videos WHERE task_id = 'abandoned'");
  assert.equal(rows.rows[0].n, 0);
  assert.equal((await h.api('/health')).status, 200);
});

// The demo flow and the HTTP client against a small fake of the API (docs/api.md), so the CLI
// plumbing is tested without the pipeline: uploads (multipart fields), polling, gold reuse,
// artifacts, admin-only endpoints skipped on 403, failures surfaced with the server's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import { GoldCache, runDemoFlow, summarize, main as demoRunMain } from '../../cli/demo-run.js';
import { FailedError, PollTimeoutError, SopilotClient, pollUntil } from '../../cli/http-client.js';
import { main as cliMain } from '../../cli/main.js';

interface Fake {
  url: string;
  /** Method + path of every request, in order. */
  log: string[];
  putSteps: unknown[];
  uploads: Array<{ path: string; fields: Record<string, string>; file: string; bytes: number; id: string }>;
  close(): Promise<void>;
}

const ADMIN = 'admin-token-123';
const OPERATOR = 'operator-token-123';

async function fakeApi(o: { failIngestOf?: string } = {}): Promise<Fake> {
  const uploads: Fake['uploads'] = [];
  const log: string[] = [];
  const putSteps: unknown[] = [];
  const jobPolls = new Map<string, number>();
  const jobVideo = new Map<string, { id: string; name: string }>();
  let n = 0;
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    const role = auth === `Bearer ${ADMIN}` ? 'admin' : auth === `Bearer ${OPERATOR}` ? 'operator' : null;
    if (!role) return send(res, 401, { error: { code: 'unauthorized', message: 'no token' } });
    const url = new URL(req.url!, 'http://x');
    const p = url.pathname;
    log.push(`${req.method} ${p}`);
    if (req.method === 'PUT' && p.match(/^\/gold\/[^/]+\/steps$/)) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        putSteps.push(JSON.parse(body));
        send(res, 200, { video_id: 'v1', steps: [] });
      });
      return;
    }
    if (req.method === 'POST' && (p === '/gold' || p === '/videos')) {
      const fields: Record<string, string> = {};
      let file = '';
      let bytes = 0;
      const bb = busboy({ headers: req.headers });
      bb.on('field', (k, v) => (fields[k] = v));
      bb.on('file', (_k, s, info) => {
        // Like the real server: the fields must have arrived before the file.
        if (!fields.task_id) fields.__task_id_after_file = 'yes';
        file = info.filename;
        s.on('data', (c: Buffer) => (bytes += c.length));
      });
      bb.on('close', () => {
        const id = `v${++n}`;
        uploads.push({ path: p, fields, file, bytes, id });
        jobVideo.set(`j${id}`, { id, name: file });
        send(res, 202, { video_id: id, job_id: `j${id}` });
      });
      req.pipe(bb);
      return;
    }
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^\/videos\/jobs\/(.+)$/))) {
      const polls = (jobPolls.get(m[1]) ?? 0) + 1;
      jobPolls.set(m[1], polls);
      const v = jobVideo.get(m[1]);
      if (!v) return send(res, 404, { error: { code: 'not_found', message: 'no such job' } });
      const failed = v.name === o.failIngestOf;
      const status = polls < 2 ? 'running' : failed ? 'failed' : 'completed';
      return send(res, 200, { id: m[1], kind: 'ingest', status, attempts: 1, error: failed && status === 'failed' ? 'ffmpeg: moov atom not found' : null, video_id: v.id });
    }
    if ((m = p.match(/^\/videos\/([^/]+)$/))) return send(res, 200, { id: m[1], task_id: 't', role: 'trainee', status: 'indexed', duration_sec: 30, clip_count: 20, error: null });
    if ((m = p.match(/^\/gold\/([^/]+)\/steps$/))) return send(res, 200, { video_id: m[1], steps: [{ index: 0, name: 'step 1', start_clip: 0, end_clip: 5, start_sec: 0, end_sec: 5, source: 'auto' }] });
    if (req.method === 'POST' && p === '/score') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const j = JSON.parse(body);
        assert.ok(j.gold_video_id && j.trainee_video_id);
        send(res, 202, { score_job_id: `s-${j.trainee_video_id}` });
      });
      return;
    }
    if ((m = p.match(/^\/score\/([^/]+)$/))) {
      const polls = (jobPolls.get(m[1]) ?? 0) + 1;
      jobPolls.set(m[1], polls);
      if (polls < 2) return send(res, 200, { id: m[1], status: 'running', error: null, deviations: [], steps: [] });
      return send(res, 200, {
        id: m[1],
        status: 'completed',
        error: null,
        gold_video_id: 'v1',
        trainee_video_id: 'v2',
        score: 42.5,
        passed: false,
        deviations: [{ type: 'missing_step', severity: 'high', gold_step: { index: 2, name: 'remove old filter', start_sec: 10, end_sec: 16 }, other_step: null, trainee: null, evidence: {}, message: 'left out' }],
        steps: [],
        report_url: `/score/${m[1]}/report.pdf`,
      });
    }
    if (p.endsWith('/report.pdf')) return send(res, 200, '%PDF-1.4 fake', 'application/pdf');
    if (p === '/ops/queue') return send(res, 200, { transport: 'inprocess', queues: [] });
    if (p === '/audit/trail' || p === '/audit/export' || p.startsWith('/audit/exports/')) {
      if (role !== 'admin') return send(res, 403, { error: { code: 'forbidden', message: 'admin only' } });
      if (p === '/audit/trail') return send(res, 200, { items: [{ action: 'upload' }], next_cursor: null });
      if (p === '/audit/export') return send(res, 201, { export_id: 'e1', object_key: 'k', download_url: '/audit/exports/e1' });
      return send(res, 200, 'aaa.bbb.ccc', 'application/jose');
    }
    send(res, 404, { error: { code: 'not_found', message: `no route ${p}` } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, uploads, log, putSteps, close: () => new Promise((r) => server.close(() => r())) };
}

async function tmpVideos() {
  const dir = await mkdtemp(join(tmpdir(), 'sopilot-demo-run-'));
  for (const f of ['gold.mp4', 'a.mp4', 'b.mp4', 'bad.mp4']) await writeFile(join(dir, f), Buffer.alloc(1000, f));
  return dir;
}

const fastPoll = { intervalMs: 5, maxIntervalMs: 10, timeoutMs: 5_000 };

test('demo run: uploads with fields first, waits, scores, saves every artifact; gold uploaded once for two trainees', async () => {
  const api = await fakeApi();
  const dir = await tmpVideos();
  try {
    const client = new SopilotClient({ baseUrl: api.url, token: ADMIN });
    const cache = new GoldCache();
    const [r1, r2] = await Promise.all(
      ['a', 'b'].map((t) => runDemoFlow(client, { gold: join(dir, 'gold.mp4'), trainee: join(dir, `${t}.mp4`), outDir: join(dir, `out-${t}`), taskId: 'task-x', goldCache: cache, poll: fastPoll })),
    );
    const golds = api.uploads.filter((u) => u.path === '/gold');
    assert.equal(golds.length, 1, 'gold uploaded once');
    assert.equal(api.uploads.length, 3);
    for (const u of api.uploads) {
      assert.equal(u.fields.task_id, 'task-x');
      assert.equal(u.fields.__task_id_after_file, undefined);
      assert.equal(u.bytes, 1000);
    }
    assert.deepEqual(api.uploads.filter((u) => u.path === '/videos').map((u) => u.fields.role), ['trainee', 'trainee']);
    assert.equal(r1.gold.video_id, r2.gold.video_id);
    assert.equal([r1.gold.reused, r2.gold.reused].filter(Boolean).length, 1);
    const files = (await readdir(join(dir, 'out-a'))).sort();
    assert.deepEqual(files, ['audit-trail.json', 'export.jws', 'queue.json', 'report.pdf', 'score.json', 'steps.json', 'videos.json']);
    assert.equal(await readFile(join(dir, 'out-a', 'export.jws'), 'utf8'), 'aaa.bbb.ccc');
    assert.equal(JSON.parse(await readFile(join(dir, 'out-a', 'score.json'), 'utf8')).score, 42.5);
    assert.deepEqual(r1.notes, []);
    const text = summarize(r1).join('\n');
    assert.match(text, /score 42\.5 \/ 100  FAIL/);
    assert.match(text, /HIGH\s+missing_step\s+step 2 "remove old filter" \(gold 10\.0-16\.0 s\); not in trainee/);
  } finally {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo run: gold steps given are set once, after the gold is indexed and before any scoring', async () => {
  const api = await fakeApi();
  const dir = await tmpVideos();
  try {
    const client = new SopilotClient({ baseUrl: api.url, token: ADMIN });
    const cache = new GoldCache();
    const goldSteps = [{ name: 'a', start_sec: 0, end_sec: 5 }, { name: 'b', start_sec: 5, end_sec: 9 }];
    await Promise.all(['a', 'b'].map((t) => runDemoFlow(client, { gold: join(dir, 'gold.mp4'), trainee: join(dir, `${t}.mp4`), outDir: join(dir, `o-${t}`), goldCache: cache, goldSteps, scoreOnly: true, poll: fastPoll })));
    assert.deepEqual(api.putSteps, [{ steps: goldSteps }]);
    const put = api.log.findIndex((l) => l.startsWith('PUT /gold/'));
    const goldId = api.uploads.find((u) => u.path === '/gold')!.id;
    assert.ok(put > api.log.indexOf(`GET /videos/${goldId}`), 'after the gold was seen indexed');
    assert.ok(put < api.log.indexOf('POST /score'), 'before the first score');
    assert.ok(!api.log.some((l) => l.startsWith('GET /audit') || l === 'GET /ops/queue'), 'scoreOnly skips audit and queue');
  } finally {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo run: an operator token skips the admin-only artifacts with a note', async () => {
  const api = await fakeApi();
  const dir = await tmpVideos();
  try {
    const client = new SopilotClient({ baseUrl: api.url, token: OPERATOR });
    const r = await runDemoFlow(client, { gold: join(dir, 'gold.mp4'), trainee: join(dir, 'a.mp4'), outDir: join(dir, 'out'), poll: fastPoll });
    assert.deepEqual(Object.keys(r.artifacts).sort(), ['queue.json', 'report.pdf', 'score.json', 'steps.json', 'videos.json']);
    assert.equal(r.notes.length, 2);
    assert.ok(r.notes.every((n) => /skipped: the token is not admin \(403\)/.test(n)));
  } finally {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo run: a failed ingest job fails the flow with the job error; the CLI exits 1 and says so', async () => {
  const api = await fakeApi({ failIngestOf: 'bad.mp4' });
  const dir = await tmpVideos();
  try {
    const client = new SopilotClient({ baseUrl: api.url, token: ADMIN });
    await assert.rejects(runDemoFlow(client, { gold: join(dir, 'gold.mp4'), trainee: join(dir, 'bad.mp4'), outDir: join(dir, 'out'), poll: fastPoll }), (e: Error) => {
      assert.ok(e instanceof FailedError);
      assert.match(e.message, /job jv\d \(ingest\) failed: ffmpeg: moov atom not found/);
      return true;
    });
    const err: string[] = [];
    const out: string[] = [];
    const code = await demoRunMain(['--base-url', api.url, '--token', ADMIN, '--gold', join(dir, 'gold.mp4'), '--trainee', join(dir, 'bad.mp4'), '--out-dir', join(dir, 'o2'), '--timeout', '5'], { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
    assert.equal(code, 1);
    assert.match(err.join('\n'), /demo run failed: .*moov atom not found/);
  } finally {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo run CLI: missing options exit 2 naming them; a wrong token is a clear 401', async () => {
  const err: string[] = [];
  const io = { out: () => undefined, err: (l: string) => err.push(l), env: {} };
  assert.equal(await demoRunMain(['--gold', 'g.mp4'], io), 2);
  assert.match(err.join('\n'), /missing --base-url, --token \(or SOPILOT_TOKEN\), --trainee, --out-dir/);
  const api = await fakeApi();
  try {
    const client = new SopilotClient({ baseUrl: api.url, token: 'wrong' });
    await assert.rejects(client.queue(), /GET \/ops\/queue -> 401 unauthorized: no token/);
  } finally {
    await api.close();
  }
});

test('pollUntil: times out with the last state; an unreachable server is a clear error', async () => {
  await assert.rejects(
    pollUntil('job x', async () => ({ status: 'queued' }), (s) => s.status === 'completed', { timeoutMs: 30, intervalMs: 5 }),
    (e: Error) => e instanceof PollTimeoutError && /job x: still not done after 0 s \(last state: \{"status":"queued"\}\)/.test(e.message),
  );
  const client = new SopilotClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
  await assert.rejects(client.health(), /cannot reach http:\/\/127\.0\.0\.1:1/);
});

test('sopilot dispatcher: usage, unknown commands exit 2, subcommand help', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  assert.equal(await cliMain([], io), 2);
  assert.match(err.join('\n'), /usage: sopilot <command>/);
  assert.equal(await cliMain(['help'], io), 0);
  assert.match(out.join('\n'), /release-gate --demo-dir DIR --out FILE/);
  err.length = 0;
  assert.equal(await cliMain(['frobnicate'], io), 2);
  assert.match(err.join('\n'), /unknown command: frobnicate/);
  err.length = 0;
  assert.equal(await cliMain(['demo', 'dance'], io), 2);
  assert.match(err.join('\n'), /unknown command: demo dance \(expected demo generate \| run \| all\)/);
  assert.equal(await cliMain(['help', 'nope'], io), 2);
});

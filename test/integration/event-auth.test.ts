// Issue 13 findings 3 and 12: who may inject which CloudEvent, event-function containers need
// the service credential and bind loopback, unparseable events are recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { startTestHost, TOKENS, type TestHost } from '../helpers/host.js';
import { buildEventFunctionApp, main as functionMain } from '../../hosts/function.js';
import { bindAddress } from '../../hosts/http-server.js';
import { eventFunctions } from '../../functions/registry.js';
import { loadConfig } from '../../shared/config.js';

let h: TestHost;
before(async () => {
  h = await startTestHost();
});
after(async () => h?.close());

const ce = (type: string, id: string, data: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/t', 'ce-type': type },
  body: JSON.stringify(data),
});

test('nightly.tick needs admin: an operator is refused (403, audited), an admin is accepted and audited with its subject', async () => {
  const op = await h.api('/events', { ...ce('com.sopilot.nightly.tick', 'tick-op', {}), as: 'operator' });
  assert.equal(op.status, 403);
  const trains = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'train'");
  await h.ctx.bus.idle();
  assert.equal(trains.rows[0].n, 0, 'no training ran');
  const denied = await h.ctx.db.query<{ subject: string }>("SELECT subject FROM audit_log WHERE action = 'event.denied'");
  assert.match(denied.rows[0].subject, /^token:operator:/);
  const ad = await h.api('/events', { ...ce('com.sopilot.nightly.tick', 'tick-admin', {}), as: 'admin' });
  assert.equal(ad.status, 202);
  const ok = await h.ctx.db.query<{ subject: string }>("SELECT subject FROM audit_log WHERE action = 'event.accepted'");
  assert.match(ok.rows[0].subject, /^token:admin:/);
});

test('pipeline-internal events need the service credential, whatever the role', async () => {
  const data = { video_id: 'vid_x', job_id: 'job_x', task_id: 't', role: 'gold', object_key: 'raw/vid_x/original.mp4' };
  for (const as of ['operator', 'admin'] as const) {
    const r = await h.api('/events', { ...ce('com.sopilot.video.uploaded', `up-${as}`, data), as });
    assert.equal(r.status, 403, as);
  }
  const svc = await h.api('/events', { ...ce('com.sopilot.video.uploaded', 'up-svc', data), as: 'service' });
  assert.equal(svc.status, 202);
  const score = await h.api('/events', { ...ce('com.sopilot.score.done', 'sd-admin', { score_id: 's', score: 100, passed: true }), as: 'admin' });
  assert.equal(score.status, 403);
});

test('a CloudEvent whose body is not JSON is answered 400 and recorded in rejected_events', async () => {
  const r = await h.api('/events', { method: 'POST', headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'bad-json', 'ce-source': '/t', 'ce-type': 'com.sopilot.video.uploaded' }, body: '{"video_id": ' });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'malformed_event');
  const rows = await h.ctx.db.query<{ event_id: string; payload: string }>("SELECT event_id, payload FROM rejected_events WHERE event_id = 'bad-json'");
  assert.equal(rows.rows.length, 1);
  assert.equal(rows.rows[0].payload, '{"video_id": ');
});

test('event-function containers: POST / needs the service token; they bind 127.0.0.1 unless told otherwise; no token, no start', async () => {
  const app = buildEventFunctionApp(h.ctx, eventFunctions.find((f) => f.name === 'report')!);
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  try {
    const port = (server.address() as { port: number }).port;
    const event = ce('com.sopilot.score.done', 'sd-1', { score_id: 'missing', score: 1, passed: false });
    const anon = await fetch(`http://127.0.0.1:${port}/`, event);
    assert.equal(anon.status, 401);
    const wrong = await fetch(`http://127.0.0.1:${port}/`, { ...event, headers: { ...event.headers, authorization: `Bearer ${TOKENS.admin}` } });
    assert.equal(wrong.status, 401, 'a user token is not the service credential');
    const svc = await fetch(`http://127.0.0.1:${port}/`, { ...event, headers: { ...event.headers, authorization: `Bearer ${TOKENS.service}` } });
    assert.notEqual(svc.status, 401);
    const badJson = await fetch(`http://127.0.0.1:${port}/`, { ...event, body: '{"score_id":', headers: { ...event.headers, 'ce-id': 'fn-bad-json', authorization: `Bearer ${TOKENS.service}` } });
    assert.equal(badJson.status, 400);
    assert.equal((await h.ctx.db.query("SELECT 1 FROM rejected_events WHERE event_id = 'fn-bad-json'")).rows.length, 1, 'recorded');
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).headers.get('x-content-type-options'), 'nosniff');
  } finally {
    server.close();
  }
  const cfg = loadConfig({ PATH: process.env.PATH });
  assert.equal(bindAddress(cfg, 'event-function'), '127.0.0.1');
  assert.equal(bindAddress(cfg, 'api'), '0.0.0.0');
  assert.equal(bindAddress(loadConfig({ SOPILOT_BIND: '0.0.0.0' }), 'event-function'), '0.0.0.0');
  const saved = { ...process.env };
  try {
    delete process.env.SOPILOT_SERVICE_TOKEN;
    delete process.env.SOPILOT_AUTH_REQUIRED;
    assert.equal(await functionMain(['embed']), 2, 'refuses to start without the service token');
  } finally {
    process.env = saved;
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { makeEvent, parseEvent, eventFromHttp, eventToHttpBinary, MalformedEventError } from '../../shared/events/envelope.js';
import { EventType, CONSUMERS, QUEUE_OF, type EventTypeName } from '../../shared/events/types.js';
import { InProcessBus } from '../../shared/events/inprocess.js';
import { HttpBrokerBus } from '../../shared/events/http.js';
import { eventFunctions } from '../../functions/registry.js';

const uploaded = () => makeEvent(EventType.videoUploaded, { video_id: 'v1', job_id: 'j1', task_id: 't', role: 'gold', object_key: 'raw/v1/original.mp4' }, { id: 'e1' });

test('envelope: valid events round-trip through HTTP binary mode; bad ones say what is wrong', () => {
  const e = uploaded();
  assert.equal(e.specversion, '1.0');
  const { headers, body } = eventToHttpBinary(e);
  assert.equal(headers['ce-type'], EventType.videoUploaded);
  const back = eventFromHttp(headers, body);
  assert.deepEqual(back.data, e.data);
  assert.throws(() => parseEvent({ ...e, data: { video_id: 3 } }), (x: unknown) => x instanceof MalformedEventError && /video_id/.test((x as Error).message));
  assert.throws(() => parseEvent({ ...e, type: 'com.other.thing' }), /unknown event type/);
  assert.throws(() => parseEvent({ id: 'x' }), /specversion|source|type/);
  assert.throws(() => eventFromHttp({ 'content-type': 'application/json' }, '{"not":"an event"}'), MalformedEventError);
});

test('every event type has a queue, and CONSUMERS matches the registered event functions', () => {
  for (const t of Object.values(EventType)) {
    assert.ok(QUEUE_OF[t]);
    const fromRegistry = eventFunctions.filter((f) => (f.triggers as readonly string[]).includes(t)).map((f) => f.name).sort();
    assert.deepEqual([...CONSUMERS[t as EventTypeName]].sort(), fromRegistry, t);
  }
});

test('in-process bus: retries with backoff, drops duplicate ids, dead-letters after the last attempt', async () => {
  const dead: string[] = [];
  const bus = new InProcessBus({ attempts: 3, backoffMs: 5 }, 1, (e) => void dead.push(e.id));
  const calls = new Map<string, number>();
  await bus.consume(['ingest'], async (raw) => {
    const e = parseEvent(raw);
    const n = (calls.get(e.id) ?? 0) + 1;
    calls.set(e.id, n);
    if ((e.data as { video_id: string }).video_id === 'flaky' && n < 2) throw new Error('transient');
    if ((e.data as { video_id: string }).video_id === 'broken') throw new Error('always');
  });
  const mk = (id: string, video: string) => makeEvent(EventType.videoUploaded, { video_id: video, job_id: 'j', task_id: 't', role: 'gold', object_key: 'k' }, { id });
  await bus.publish(mk('a', 'ok'));
  await bus.publish(mk('a', 'ok')); // duplicate id
  await bus.publish(mk('b', 'flaky'));
  await bus.publish(mk('c', 'broken'));
  await bus.idle(5000);
  assert.equal(calls.get('a'), 1);
  assert.equal(calls.get('b'), 2);
  assert.equal(calls.get('c'), 3);
  assert.deepEqual(dead, ['c']);
  const s = (await bus.stats()).find((q) => q.queue === 'ingest')!;
  assert.equal(s.completed, 2);
  assert.equal(s.dead_letter, 1);
  await bus.close();
});

test('HTTP transport: one POST to a broker, or one per consuming function with {function}', async () => {
  const seen: Array<{ url: string; type: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url!, type: String(req.headers['ce-type']) });
    req.resume();
    res.statusCode = req.url?.includes('fail') ? 500 : 202;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    await new HttpBrokerBus(`http://127.0.0.1:${port}/broker`).publish(uploaded());
    await new HttpBrokerBus(`http://127.0.0.1:${port}/async-function/{function}`).publish(
      makeEvent(EventType.videoIndexed, { video_id: 'v', job_id: 'j', task_id: 't', role: 'gold', clip_count: 1, duration_sec: 1 }),
    );
    assert.deepEqual(seen, [
      { url: '/broker', type: EventType.videoUploaded },
      { url: '/async-function/align', type: EventType.videoIndexed },
    ]);
    await assert.rejects(new HttpBrokerBus(`http://127.0.0.1:${port}/fail`).publish(uploaded()), /answered 500/);
  } finally {
    server.close();
  }
});

test('schedulers: a PingSource event or an empty cron POST is the nightly tick, for nightly-train only', async () => {
  const { asScheduledTick } = await import('../../hosts/function.js');
  assert.equal(asScheduledTick('nightly-train', { 'ce-type': 'dev.knative.sources.ping' }, '{}')?.type, EventType.nightlyTick);
  assert.equal(asScheduledTick('nightly-train', {}, {})?.type, EventType.nightlyTick);
  assert.equal(asScheduledTick('embed', {}, {}), null);
  assert.equal(asScheduledTick('nightly-train', { 'ce-type': EventType.nightlyTick }, { task_id: 't' }), null);
});

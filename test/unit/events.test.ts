import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { makeEvent, parseEvent, eventFromHttp, eventToHttpBinary, MalformedEventError } from '../../shared/events/envelope.js';
import { EventType, CONSUMERS, QUEUE_OF, type EventTypeName } from '../../shared/events/types.js';
import { InProcessBus } from '../../shared/events/inprocess.js';
import { HttpBrokerBus } from '../../shared/events/http.js';
import { isDependencyOutage } from '../../shared/events/outage.js';
import { QueueUnavailableError } from '../../shared/events/bus.js';
import { StoreUnavailableError } from '../../shared/store/index.js';
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

test('in-process bus: a dependency outage spends no try within the outage window, and does past it', async () => {
  const dead: string[] = [];
  const bus = new InProcessBus({ attempts: 2, backoffMs: 1, outageWindowMs: 60_000 }, 1, (e) => void dead.push(e.id));
  const calls = new Map<string, number>();
  await bus.consume(['ingest'], async (raw) => {
    const e = parseEvent(raw);
    const n = (calls.get(e.id) ?? 0) + 1;
    calls.set(e.id, n);
    const v = (e.data as { video_id: string }).video_id;
    // Six deliveries against two tries: only free retries get it to the seventh.
    if (v === 'store' && n < 7) throw new StoreUnavailableError('object store unavailable: connect ECONNREFUSED 127.0.0.1:9');
    if (v === 'pg' && n < 7) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    if (v === 'work' && n < 7) throw new Error('ffmpeg exited 1');
  });
  const mk = (id: string, video: string) => makeEvent(EventType.videoUploaded, { video_id: video, job_id: 'j', task_id: 't', role: 'gold', object_key: 'k' }, { id });
  for (const [id, v] of [['s', 'store'], ['p', 'pg'], ['w', 'work']]) await bus.publish(mk(id, v));
  await bus.idle(10_000);
  assert.equal(calls.get('s'), 7);
  assert.equal(calls.get('p'), 7);
  assert.equal(calls.get('w'), 2, 'a failure of the work itself spends its tries');
  assert.deepEqual(dead, ['w']);
  await bus.close();

  // Window 0: an outage spends tries like any failure.
  const dead0: string[] = [];
  const bus0 = new InProcessBus({ attempts: 2, backoffMs: 1, outageWindowMs: 0 }, 1, (e) => void dead0.push(e.id));
  await bus0.consume(['ingest'], async () => {
    throw new StoreUnavailableError('down');
  });
  await bus0.publish(mk('x', 'store'));
  await bus0.idle(5000);
  assert.deepEqual(dead0, ['x']);
  await bus0.close();
});

test('isDependencyOutage: unreachable store, queue and database; not a failure of the work', () => {
  assert.ok(isDependencyOutage(new StoreUnavailableError('x')));
  assert.ok(isDependencyOutage(new QueueUnavailableError('x')));
  assert.ok(isDependencyOutage(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
  assert.ok(isDependencyOutage(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
  assert.ok(isDependencyOutage(new Error('Connection terminated unexpectedly')));
  assert.ok(isDependencyOutage(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })])));
  assert.ok(!isDependencyOutage(new Error('ffmpeg exited 1')));
  assert.ok(!isDependencyOutage(Object.assign(new Error('duplicate key'), { code: '23505' })));
  assert.ok(!isDependencyOutage(new AggregateError([])));
  assert.ok(!isDependencyOutage(undefined));
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

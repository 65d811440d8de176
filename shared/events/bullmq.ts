import { DelayedError, Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { MalformedEventError } from './envelope.js';
import { busyRetryDelay, QueueUnavailableError, type BusTimings, type Dispatch, type EventBus, type QueueStats, type RetryPolicy } from './bus.js';
import { StageBusyError } from '../jobs/index.js';
import { isDependencyOutage, outageRetryDelay, withinOutageWindow } from './outage.js';
import { QUEUE_OF, QUEUES, type EventTypeName, type QueueName, type SopilotEvent } from './types.js';

/** Production transport: one BullMQ queue per queue name on Redis, retries with backoff, a dead-letter list. */
export class BullMqBus implements EventBus {
  readonly transport = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  // BullMQ leaves connections it was given open on close(): we own and close them.
  private readonly workerConnections: Redis[] = [];

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly policy: RetryPolicy,
    private readonly concurrency = 1,
    private readonly onDeadLetter?: (event: SopilotEvent, error: string) => Promise<void> | void,
    private readonly timings: BusTimings = { leaseMs: 20_000, dependencyTimeoutMs: 3000 },
  ) {
    // BullMQ workers need maxRetriesPerRequest null (blocking commands).
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false });
    this.connection.on('error', () => undefined);
    for (const q of QUEUES) this.queues.set(q, new Queue(q, { connection: this.connection, prefix: prefix }));
  }

  get deadLetterKey(): string {
    return `${this.prefix}:dead-letter`;
  }

  /**
   * Resolves once Redis answers, or throws QueueUnavailableError after the dependency timeout:
   * with the offline queue on, a command sent while Redis is down would otherwise wait for it.
   */
  private async bounded<T>(what: string, op: () => Promise<T>): Promise<T> {
    const ms = this.timings.dependencyTimeoutMs;
    if (this.connection.status !== 'ready') {
      let onReady!: () => void;
      const ready = new Promise<true>((r) => this.connection.once('ready', (onReady = () => r(true))));
      const ok = await Promise.race([ready, sleep(ms, false, { ref: false })]);
      this.connection.off('ready', onReady);
      if (!ok) throw new QueueUnavailableError(`Redis is not reachable (${what} not done within ${ms} ms)`);
    }
    const timeout = sleep(ms, 'timeout' as const, { ref: false });
    const p = op();
    p.catch(() => undefined);
    const r = await Promise.race([p, timeout]);
    if (r === 'timeout') throw new QueueUnavailableError(`Redis did not answer ${what} within ${ms} ms`);
    return r as T;
  }

  async publish(event: SopilotEvent): Promise<void> {
    const queue = QUEUE_OF[event.type as EventTypeName];
    if (!queue) throw new MalformedEventError(`unknown event type ${event.type}`, event.type, event.id);
    // jobId = event id: a duplicate publish of the same event is dropped by BullMQ.
    await this.bounded(`publish ${event.type}`, () => this.queues.get(queue)!.add(event.type, event, {
      jobId: event.id.replace(/:/g, '_'),
      attempts: this.policy.attempts,
      backoff: { type: 'exponential', delay: this.policy.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    }));
  }

  async consume(queues: readonly QueueName[], dispatch: Dispatch): Promise<void> {
    for (const q of queues) {
      const conn = this.connection.duplicate({ maxRetriesPerRequest: null });
      conn.on('error', () => undefined);
      this.workerConnections.push(conn);
      const worker = new Worker(
        q,
        async (job: Job, token?: string) => {
          try {
            await dispatch(job.data);
          } catch (e) {
            // Bad input will never succeed: do not burn retries on it.
            if (e instanceof MalformedEventError) throw new UnrecoverableError(e.message);
            // Another worker holds the stage (or held it and died): wait for it, without spending a try.
            if (e instanceof StageBusyError) {
              await job.moveToDelayed(Date.now() + busyRetryDelay(this.timings.leaseMs), token);
              throw new DelayedError();
            }
            // A dependency is away (the store, PostgreSQL): wait for it, without spending a try.
            if (isDependencyOutage(e) && withinOutageWindow(this.policy, job.timestamp)) {
              await job.moveToDelayed(Date.now() + outageRetryDelay(this.policy), token);
              throw new DelayedError();
            }
            throw e;
          }
        },
        {
          connection: conn,
          prefix: this.prefix,
          concurrency: this.concurrency,
          // The job lock and the stage lease lapse together: a killed worker's job is back in
          // the queue within 1.5 leases and its stage claim has lapsed by then.
          lockDuration: this.timings.leaseMs,
          stalledInterval: Math.max(1000, Math.floor(this.timings.leaseMs / 2)),
          maxStalledCount: 3,
        },
      );
      worker.on('failed', (job, err) => {
        if (!job) return;
        const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        if (!final) return;
        const entry = { queue: q, event: job.data, error: err.message, at: new Date().toISOString() };
        void this.connection.lpush(this.deadLetterKey, JSON.stringify(entry)).catch(() => undefined);
        void Promise.resolve(this.onDeadLetter?.(job.data as SopilotEvent, err.message)).catch(() => undefined);
      });
      worker.on('error', () => undefined);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async stats(): Promise<QueueStats[]> {
    return this.bounded('queue counts', () => this.readStats());
  }

  private async readStats(): Promise<QueueStats[]> {
    const dead = await this.connection.lrange(this.deadLetterKey, 0, -1);
    const deadByQueue = new Map<string, number>();
    for (const d of dead) {
      try {
        const q = JSON.parse(d).queue as string;
        deadByQueue.set(q, (deadByQueue.get(q) ?? 0) + 1);
      } catch {
        /* ignore a foreign entry */
      }
    }
    const out: QueueStats[] = [];
    for (const [name, queue] of this.queues) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
      const oldest = await queue.getWaiting(0, 0);
      const ts = oldest[0]?.timestamp;
      out.push({
        queue: name,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
        dead_letter: deadByQueue.get(name) ?? 0,
        oldest_waiting_age_sec: ts ? (Date.now() - ts) / 1000 : null,
      });
    }
    return out;
  }

  async ping(): Promise<void> {
    const r = await Promise.race([this.connection.ping(), sleep(2000).then(() => 'timeout')]);
    if (r !== 'PONG') throw new Error(`redis did not answer PING (${r})`);
  }

  async idle(timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const s = await this.readStats();
      if (s.every((q) => q.waiting === 0 && q.active === 0 && q.delayed === 0)) return;
      await sleep(50);
    }
    throw new Error(`event queues not idle after ${timeoutMs} ms`);
  }

  /** force: do not wait for running jobs (shutdown after the grace period; their locks lapse and they run again). */
  async close(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const c of this.workerConnections) c.disconnect();
    this.connection.disconnect();
  }
}

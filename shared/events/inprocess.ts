import { setTimeout as sleep } from 'node:timers/promises';
import { MalformedEventError } from './envelope.js';
import { StageBusyError } from '../jobs/index.js';
import { backoffDelay, busyRetryDelay, type Dispatch, type EventBus, type QueueStats, type RetryPolicy } from './bus.js';
import { isDependencyOutage, outageRetryDelay, withinOutageWindow } from './outage.js';
import { QUEUE_OF, QUEUES, type EventTypeName, type QueueName, type SopilotEvent } from './types.js';

interface Item {
  event: SopilotEvent;
  attempts: number;
  enqueuedAt: number;
  readyAt: number;
}

/** The embedded default: queues in this process, with the same retry/backoff/dead-letter semantics as BullMQ. */
export class InProcessBus implements EventBus {
  readonly transport = 'inprocess' as const;
  private readonly queues = new Map<QueueName, { items: Item[]; active: number; completed: number; failed: number }>();
  private readonly dispatchers = new Map<QueueName, Dispatch>();
  readonly deadLetters: Array<{ event: SopilotEvent; error: string; at: string }> = [];
  private readonly seenIds = new Map<string, number>();
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly concurrency = 1,
    private readonly onDeadLetter?: (event: SopilotEvent, error: string) => Promise<void> | void,
    private readonly leaseMs = 20_000,
  ) {
    for (const q of QUEUES) this.queues.set(q, { items: [], active: 0, completed: 0, failed: 0 });
  }

  async publish(event: SopilotEvent): Promise<void> {
    const queue = QUEUE_OF[event.type as EventTypeName];
    if (!queue) throw new MalformedEventError(`unknown event type ${event.type}`, event.type, event.id);
    // Like BullMQ's jobId: an id already queued or recently handled is not queued again.
    const now = Date.now();
    if (this.seenIds.has(event.id)) return;
    this.seenIds.set(event.id, now);
    if (this.seenIds.size > 10_000) for (const [k, t] of this.seenIds) if (now - t > 3_600_000) this.seenIds.delete(k);
    this.queues.get(queue)!.items.push({ event, attempts: 0, enqueuedAt: now, readyAt: now });
    this.kick();
  }

  async consume(queues: readonly QueueName[], dispatch: Dispatch): Promise<void> {
    for (const q of queues) {
      this.dispatchers.set(q, dispatch);
      for (let i = 0; i < this.concurrency; i++) void this.loop(q);
    }
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async loop(queue: QueueName): Promise<void> {
    const state = this.queues.get(queue)!;
    while (!this.closed) {
      const now = Date.now();
      const idx = state.items.findIndex((i) => i.readyAt <= now);
      if (idx < 0) {
        const next = state.items.reduce((m, i) => Math.min(m, i.readyAt), Infinity);
        await Promise.race([
          new Promise<void>((r) => {
            const prev = this.wake;
            this.wake = () => {
              prev?.();
              r();
            };
          }),
          sleep(Number.isFinite(next) ? Math.max(1, next - now) : 1000),
        ]);
        continue;
      }
      const item = state.items.splice(idx, 1)[0];
      state.active++;
      try {
        item.attempts++;
        await this.dispatchers.get(queue)!(item.event);
        state.completed++;
      } catch (e) {
        const msg = (e as Error).message;
        if (e instanceof StageBusyError) {
          // The stage is held by a claim that has not lapsed (a previous run of this host): look again later, without spending a try.
          item.attempts--;
          item.readyAt = Date.now() + busyRetryDelay(this.leaseMs);
          state.items.push(item);
        } else if (isDependencyOutage(e) && withinOutageWindow(this.policy, item.enqueuedAt)) {
          // A dependency is away: look again soon, without spending a try.
          item.attempts--;
          item.readyAt = Date.now() + outageRetryDelay(this.policy);
          state.items.push(item);
        } else if (e instanceof MalformedEventError || item.attempts >= this.policy.attempts) {
          state.failed++;
          this.deadLetters.push({ event: item.event, error: msg, at: new Date().toISOString() });
          await Promise.resolve(this.onDeadLetter?.(item.event, msg)).catch(() => undefined);
        } else {
          item.readyAt = Date.now() + backoffDelay(this.policy, item.attempts);
          state.items.push(item);
        }
      } finally {
        state.active--;
        this.kick();
      }
    }
  }

  async stats(): Promise<QueueStats[]> {
    const now = Date.now();
    return [...this.queues.entries()].map(([queue, s]) => {
      const waiting = s.items.filter((i) => i.readyAt <= now);
      const oldest = waiting.reduce((m, i) => Math.min(m, i.enqueuedAt), Infinity);
      return {
        queue,
        waiting: waiting.length,
        active: s.active,
        delayed: s.items.length - waiting.length,
        failed: s.failed,
        completed: s.completed,
        dead_letter: this.deadLetters.filter((d) => QUEUE_OF[d.event.type as EventTypeName] === queue).length,
        oldest_waiting_age_sec: Number.isFinite(oldest) ? (now - oldest) / 1000 : null,
      };
    });
  }

  async ping(): Promise<void> {}

  async idle(timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const busy = [...this.queues.values()].some((s) => s.items.length > 0 || s.active > 0);
      if (!busy) return;
      await sleep(20);
    }
    throw new Error(`event queues not idle after ${timeoutMs} ms`);
  }

  /** Takes no more events; unless forced, waits for the running handlers (their writes land before the store and database close). */
  async close(force = false): Promise<void> {
    this.closed = true;
    this.kick();
    while (!force && [...this.queues.values()].some((q) => q.active > 0)) await sleep(20);
  }
}

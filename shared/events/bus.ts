import type { QueueName, SopilotEvent } from './types.js';

export interface QueueStats {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  dead_letter: number;
  /** Age in seconds of the oldest waiting event, null when none waits. */
  oldest_waiting_age_sec: number | null;
}

/** Receives one raw event (already JSON); throws to signal failure (retried unless MalformedEventError). */
export type Dispatch = (raw: unknown) => Promise<void>;

export interface EventBus {
  readonly transport: 'inprocess' | 'bullmq' | 'http';
  publish(event: SopilotEvent): Promise<void>;
  /** Starts consuming the named queues on this process. */
  consume(queues: readonly QueueName[], dispatch: Dispatch): Promise<void>;
  stats(): Promise<QueueStats[]>;
  ping(): Promise<void>;
  /** force: stop without waiting for running handlers (shutdown after its grace period). */
  close(force?: boolean): Promise<void>;
  /** Resolves once nothing is waiting, delayed or running (in-process and BullMQ; for tests and the CLI). */
  idle(timeoutMs?: number): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  /** Since publication, how long a delivery failing on an unreachable dependency is retried without spending a try (outage.ts). */
  outageWindowMs?: number;
}

/** Exponential backoff with a cap, shared by the transports that retry themselves. */
export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  return Math.min(policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1), 60_000);
}

/** Lease of a running stage and how long a caller waits for the queue (from the config). */
export interface BusTimings {
  leaseMs: number;
  dependencyTimeoutMs: number;
}

/** The queue (Redis, the broker) did not take or answer in time: HTTP callers get 503 queue_unavailable. */
export class QueueUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}

/** How long a delivery that found its stage busy waits before looking again (it spends no try). */
export function busyRetryDelay(leaseMs: number): number {
  return Math.max(200, Math.floor(leaseMs / 4));
}

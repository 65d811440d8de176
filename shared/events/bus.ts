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
  close(): Promise<void>;
  /** Resolves once nothing is waiting, delayed or running (in-process and BullMQ; for tests and the CLI). */
  idle(timeoutMs?: number): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** Exponential backoff with a cap, shared by the transports that retry themselves. */
export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  return Math.min(policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1), 60_000);
}

/**
 * A delivery that failed because a dependency (the object store, Redis, PostgreSQL) could not be
 * reached says nothing about the event itself: it is retried without spending one of the
 * event's tries, for as long as the outage window allows. Tries stay for failures of the work.
 */
import { StoreUnavailableError } from '../store/index.js';
import { QueueUnavailableError, type RetryPolicy } from './bus.js';

const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// PostgreSQL: class 08 (connection exception), 57P01-57P03 (shutdown, crash, cannot connect now).
const PG_OUTAGE = /^(08...|57P0[123])$/;

export function isDependencyOutage(e: unknown): boolean {
  if (e instanceof StoreUnavailableError || e instanceof QueueUnavailableError) return true;
  const err = e as { code?: unknown; message?: unknown; errors?: unknown[] } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (NET_CODES.has(code) || PG_OUTAGE.test(code)) return true;
  // node-postgres loses a connection without a code; AggregateError wraps one per address tried.
  if (typeof err.message === 'string' && /^Connection terminated( unexpectedly| due to connection timeout)?$/.test(err.message)) return true;
  return Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every(isDependencyOutage);
}

/** Whether a delivery first published at publishedAt that hit an outage now is retried for free. */
export function withinOutageWindow(policy: RetryPolicy, publishedAt: number, now = Date.now()): boolean {
  return (policy.outageWindowMs ?? 0) > now - publishedAt;
}

/** How long such a delivery waits before it looks again: the first backoff, kept between 250 ms and 10 s. */
export function outageRetryDelay(policy: RetryPolicy): number {
  return Math.min(Math.max(policy.backoffMs, 250), 10_000);
}

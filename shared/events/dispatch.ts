import type { Context } from '../context.js';
import type { EventFunction } from '../functions.js';
import { eventsRejected } from '../metrics.js';
import { MalformedEventError, parseEvent } from './envelope.js';
import type { EventTypeName, SopilotEvent } from './types.js';

/** Records a rejected event; never throws (a broken event must not take the host down). */
export async function recordRejected(ctx: Context, transport: string, err: Error, raw: unknown): Promise<void> {
  eventsRejected.inc({ reason: err instanceof MalformedEventError ? 'malformed' : 'failed' });
  ctx.log.warn({ err: err.message, transport }, 'event rejected');
  const m = err as MalformedEventError;
  let payload: string;
  try {
    payload = typeof raw === 'string' ? raw : JSON.stringify(raw);
  } catch {
    payload = String(raw);
  }
  await ctx.db
    .query('INSERT INTO rejected_events (transport, reason, event_type, event_id, payload) VALUES ($1, $2, $3, $4, $5)', [
      transport,
      err.message.slice(0, 2000),
      m.eventType ?? null,
      m.eventId ?? null,
      payload.slice(0, 100_000),
    ])
    .catch((e) => ctx.log.error({ err: (e as Error).message }, 'could not record rejected event'));
}

/**
 * Validates a raw event and runs every function triggered by its type. Malformed events are
 * recorded and rethrown as MalformedEventError (not retried); handler errors propagate (retried).
 */
export function createDispatcher(ctx: Context, fns: readonly EventFunction[], transport: string) {
  return async (raw: unknown): Promise<void> => {
    let event: SopilotEvent;
    try {
      event = parseEvent(raw);
    } catch (e) {
      await recordRejected(ctx, transport, e as Error, raw);
      throw e;
    }
    const targets = fns.filter((f) => (f.triggers as readonly string[]).includes(event.type as EventTypeName));
    for (const f of targets) {
      const log = ctx.log.child({ fn: f.name, event_id: event.id, event_type: event.type });
      log.debug('handling event');
      try {
        await f.handle(event as never, ctx);
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'event handler failed');
        throw e;
      }
    }
  };
}

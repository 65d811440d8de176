import type { Context } from '../context.js';
import { QueueUnavailableError } from '../events/bus.js';
import { StoreUnavailableError } from '../store/index.js';
import { setTimeout as sleep } from 'node:timers/promises';

async function within(ms: number, p: Promise<void>, fail: () => Error): Promise<void> {
  p.catch(() => undefined);
  const r = await Promise.race([p.then(() => 'ok' as const, (e: Error) => e), sleep(ms, 'timeout' as const, { ref: false })]);
  if (r !== 'ok') throw r === 'timeout' ? fail() : r instanceof QueueUnavailableError || r instanceof StoreUnavailableError ? r : fail();
}

/**
 * Checks, before a request starts work, that what it will need answers within
 * SOPILOT_DEPENDENCY_TIMEOUT_MS: an upload during an outage is refused with a 503 naming the
 * dependency, before any byte is stored or any row is written.
 */
export async function ensureDependencies(ctx: Context, needs: ReadonlyArray<'queue' | 'store'>): Promise<void> {
  const ms = ctx.config.DEPENDENCY_TIMEOUT_MS;
  await Promise.all(
    needs.map((n) =>
      n === 'queue'
        ? within(ms, ctx.bus.ping(), () => new QueueUnavailableError(`the event queue (${ctx.bus.transport}) did not answer within ${ms} ms`))
        : within(ms, ctx.store.ping(), () => new StoreUnavailableError(`the object store did not answer within ${ms} ms`)),
    ),
  );
}

import { roleAtLeast, type Principal, type Role } from '../auth/index.js';
import { EventType, type EventTypeName } from './types.js';

/** What an external caller needs to inject an event: the role its effect needs, or the pipeline's own credential. */
export type EventCredential = Role | 'service';

/**
 * nightly.tick starts training for every task (what POST /train lets only admins do); a bucket
 * notification registers a video (what an upload lets operators do); every other type is a
 * pipeline stage handing work to the next one, which only the pipeline itself may do.
 */
export function credentialFor(type: EventTypeName): EventCredential {
  if (type === EventType.nightlyTick) return 'admin';
  if (type === EventType.objectCreated) return 'operator';
  return 'service';
}

export function mayInject(p: Principal | undefined, type: EventTypeName): boolean {
  if (!p) return false;
  const need = credentialFor(type);
  if (need === 'service') return p.method === 'service';
  return p.method === 'service' || roleAtLeast(p.role, need);
}

import type { CloudEventV1 } from 'cloudevents';
import { getContext } from './context.js';
import { createDispatcher } from './events/dispatch.js';
import type { EventFunction } from './functions.js';

/** Runs an event function under the functions framework's cloudEvent() signature (validated like every transport). */
export function ffEventAdapter(fn: EventFunction) {
  return async (ce: CloudEventV1<unknown>): Promise<void> => {
    const ctx = await getContext();
    const c = ce as unknown as { toJSON?: () => unknown };
    const raw = typeof c.toJSON === 'function' ? c.toJSON() : ce;
    await createDispatcher(ctx, [fn], 'functions-framework')(raw);
  };
}

import type { Router } from 'express';
import type { Context } from './context.js';
import type { EventData, EventTypeName, SopilotEvent } from './events/types.js';

/** A pipeline stage triggered by CloudEvents of the listed types. */
export interface EventFunction<T extends EventTypeName = EventTypeName> {
  name: string;
  triggers: readonly T[];
  handle(event: SopilotEvent<EventData<T>>, ctx: Context): Promise<void>;
}

/** An HTTP function: mounts its routes; the host puts them together or serves one alone. */
export interface HttpFunction {
  name: string;
  mount(router: Router): void;
  /** Paths whose handler reads the body itself (the shared JSON parser leaves them alone). */
  rawBodyPaths?: readonly string[];
}

export function defineEventFunction<T extends EventTypeName>(f: EventFunction<T>): EventFunction<T> {
  return f;
}
export function defineHttpFunction(f: HttpFunction): HttpFunction {
  return f;
}

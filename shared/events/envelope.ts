import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP, type Headers } from 'cloudevents';
import {
  EnvelopeSchema,
  eventDataSchemas,
  type EventData,
  type EventTypeName,
  type SopilotEvent,
} from './types.js';

export class MalformedEventError extends Error {
  constructor(
    message: string,
    public readonly eventType?: string,
    public readonly eventId?: string,
  ) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

/**
 * Builds an event. Pass a deterministic id (derived from the input) so that a retried stage
 * re-emits the same event id and transports that de-duplicate by id (BullMQ) drop the copy.
 */
export function makeEvent<T extends EventTypeName>(
  type: T,
  data: EventData<T>,
  opts: { id?: string; source?: string; subject?: string } = {},
): SopilotEvent<EventData<T>> {
  const ce = new CloudEvent({
    id: opts.id ?? randomUUID(),
    type,
    source: opts.source ?? '/sopilot',
    subject: opts.subject,
    datacontenttype: 'application/json',
    data,
  });
  return ce.toJSON() as unknown as SopilotEvent<EventData<T>>;
}

/** Validates the envelope and the data of a known type; throws MalformedEventError saying what is wrong. */
export function parseEvent(raw: unknown): SopilotEvent {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) {
    const r = raw as Record<string, unknown> | null;
    throw new MalformedEventError(
      `malformed CloudEvent envelope: ${env.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      typeof r?.type === 'string' ? r.type : undefined,
      typeof r?.id === 'string' ? r.id : undefined,
    );
  }
  const e = env.data;
  const schema = eventDataSchemas[e.type as EventTypeName];
  if (!schema) throw new MalformedEventError(`unknown event type ${e.type}`, e.type, e.id);
  let data = e.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new MalformedEventError(`event data of ${e.type} is not JSON`, e.type, e.id);
    }
  }
  const d = schema.safeParse(data);
  if (!d.success) {
    throw new MalformedEventError(
      `invalid data for ${e.type}: ${d.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      e.type,
      e.id,
    );
  }
  return { ...e, time: e.time ?? new Date().toISOString(), specversion: '1.0', data: d.data };
}

/** Reads a CloudEvent from an HTTP request (binary or structured mode). */
export function eventFromHttp(headers: Record<string, string | string[] | undefined>, body: unknown): SopilotEvent {
  const h: Headers = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  let ce: CloudEvent<unknown>;
  try {
    const b = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : JSON.stringify(body ?? null);
    const parsed = HTTP.toEvent({ headers: h, body: b });
    ce = (Array.isArray(parsed) ? parsed[0] : parsed) as CloudEvent<unknown>;
  } catch (e) {
    throw new MalformedEventError(`not a valid CloudEvent: ${(e as Error).message}`, h['ce-type'] as string | undefined, h['ce-id'] as string | undefined);
  }
  return parseEvent(ce.toJSON());
}

/**
 * Reads a CloudEvent from a request's raw bytes: a JSON content type must hold JSON (else a
 * MalformedEventError, so the caller records it like any malformed event); any other body is
 * handed to the CloudEvents parser as text.
 */
export function eventFromHttpBytes(headers: Record<string, string | string[] | undefined>, raw: Buffer): SopilotEvent {
  const text = raw.toString('utf8');
  if (!/json/i.test(String(headers['content-type'] ?? ''))) return eventFromHttp(headers, text);
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new MalformedEventError('request body is not valid JSON', headers['ce-type'] as string | undefined, headers['ce-id'] as string | undefined);
    }
  }
  return eventFromHttp(headers, body);
}

/** Serialises an event for HTTP binary-mode delivery (Knative broker, OpenFaaS connector). */
export function eventToHttpBinary(e: SopilotEvent): { headers: Record<string, string>; body: string } {
  const msg = HTTP.binary(new CloudEvent(e as unknown as Record<string, unknown>));
  return { headers: msg.headers as Record<string, string>, body: String(msg.body ?? '') };
}

import express, { type Express } from 'express';
import { loadConfig, ConfigError, type Config } from '../shared/config.js';
import type { Context } from '../shared/context.js';
import type { EventFunction } from '../shared/functions.js';
import { safeEqual } from '../shared/auth/index.js';
import { bindAddress, listen } from './http-server.js';
import { securityHeaders } from '../shared/http/app.js';
import { eventFunctions, httpFunctions } from '../functions/registry.js';
import { systemFunction } from '../functions/system/index.js';
import { buildHttpApp } from '../shared/http/app.js';
import { createDispatcher, recordRejected } from '../shared/events/dispatch.js';
import { eventFromHttpBytes, makeEvent, MalformedEventError } from '../shared/events/envelope.js';
import { EventType } from '../shared/events/types.js';
import { startHost, stopOnSignals } from './start.js';

/**
 * One function per container (OpenFaaS, Knative): `sopilot-function NAME` or SOPILOT_FUNCTION=NAME.
 * HTTP functions serve their routes; event functions take CloudEvents POSTed to / by the broker
 * (2xx = done, 4xx = malformed and dropped, 5xx = retry).
 */
export async function main(argv: string[]): Promise<number | void> {
  const name = argv[0] ?? process.env.SOPILOT_FUNCTION;
  const httpFn = httpFunctions.find((f) => f.name === name);
  const eventFn = eventFunctions.find((f) => f.name === name);
  if (!httpFn && !eventFn) {
    console.error(`unknown function ${JSON.stringify(name)}; known: ${[...httpFunctions, ...eventFunctions].map((f) => f.name).join(', ')}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (httpFn) {
    const started = await startHost({ config, http: httpFn === systemFunction ? [httpFn] : [systemFunction, httpFn] });
    stopOnSignals(started);
    return;
  }
  if (config.AUTH_REQUIRED && !config.SERVICE_TOKEN) {
    console.error('configuration error: SOPILOT_SERVICE_TOKEN: an event function takes events only from the pipeline: set the shared service token (or SOPILOT_AUTH_REQUIRED=false where only the broker can reach it)');
    return 2;
  }
  const started = await startHost({ config, http: [], auth: 'public-only' });
  const app = buildEventFunctionApp(started.ctx, eventFn!);
  const server = await listen(app, config, 'event-function');
  started.ctx.log.info({ function: eventFn!.name, port: config.PORT, bind: bindAddress(config, 'event-function') }, 'event function listening for CloudEvents on POST /');
  stopOnSignals({ ...started, stop: async (force?: boolean) => { server.close(); if (force) server.closeAllConnections(); await started.stop(force); } });
}

/** The broker's credential: SOPILOT_SERVICE_TOKEN as a bearer token or X-API-Key; none needed with auth off. */
export function hasServiceCredential(config: Config, headers: Record<string, string | string[] | undefined>): boolean {
  if (!config.AUTH_REQUIRED) return true;
  if (!config.SERVICE_TOKEN) return false;
  const authz = String(headers.authorization ?? '');
  const presented = authz.toLowerCase().startsWith('bearer ') ? authz.slice(7).trim() : String(headers['x-api-key'] ?? '');
  return presented.length > 0 && safeEqual(presented, config.SERVICE_TOKEN);
}

/** POST / for one event function: 204 done, 400 malformed (dropped), 401 without the service credential, 500 retry. */
export function buildEventFunctionApp(ctx: Context, fn: EventFunction): Express {
  const dispatch = createDispatcher(ctx, [fn], 'http');
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.post('/', (req, res, next) => {
    if (hasServiceCredential(ctx.config, req.headers)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="sopilot"');
    res.status(401).json({ error: { code: 'unauthorized', message: 'event functions take events only with the service credential' } });
  });
  app.post('/', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event;
    try {
      event = asScheduledTick(fn.name, req.headers, raw.length ? raw.toString('utf8') : undefined) ?? eventFromHttpBytes(req.headers, raw);
    } catch (e) {
      // Unparseable or invalid: recorded like on every transport, answered 400 (not retried).
      await recordRejected(ctx, 'http', e as Error, raw.toString('utf8'));
      res.status(400).json({ error: { code: 'malformed_event', message: (e as Error).message } });
      return;
    }
    try {
      await dispatch(event);
      res.status(204).end();
    } catch (e) {
      const malformed = e instanceof MalformedEventError;
      res.status(malformed ? 400 : 500).json({ error: { code: malformed ? 'malformed_event' : 'handler_failed', message: (e as Error).message } });
    }
  });
  app.use(buildHttpApp([systemFunction]));
  return app;
}

/**
 * Schedulers cannot send our event type: Knative's PingSource sends dev.knative.sources.ping and
 * OpenFaaS's cron-connector an empty body. For nightly-train only, either one is the nightly tick.
 */
export function asScheduledTick(fn: string, headers: Record<string, string | string[] | undefined>, body: unknown) {
  if (fn !== 'nightly-train') return null;
  const type = headers['ce-type'];
  const empty =
    body === undefined || body === null || (typeof body === 'object' && Object.keys(body as object).length === 0) || (typeof body === 'string' && ['', '{}'].includes(body.trim()));
  if (type === 'dev.knative.sources.ping' || (!type && empty)) {
    const at = new Date().toISOString();
    return makeEvent(EventType.nightlyTick, { at }, { id: `nightly-${at.slice(0, 10)}`, source: '/sopilot/scheduler' });
  }
  return null;
}

import type { Server } from 'node:http';
import { loadConfig, type Config } from '../shared/config.js';
import { createContext, setContext, type Context } from '../shared/context.js';
import { createLogger } from '../shared/log.js';
import { createDispatcher } from '../shared/events/dispatch.js';
import { QUEUE_OF, type QueueName, type EventTypeName } from '../shared/events/types.js';
import { buildHttpApp } from '../shared/http/app.js';
import { setupAuth } from '../shared/security.js';
import { wireAuditHooks } from '../shared/audit-hooks.js';
import type { EventFunction, HttpFunction } from '../shared/functions.js';
import { bindAddress, listen } from './http-server.js';
import { resumeInterrupted } from '../shared/jobs/resume.js';
import { killChildren } from '../shared/media/children.js';

export interface StartOptions {
  config?: Config;
  http?: HttpFunction[];
  events?: EventFunction[];
  /** Queues whose event functions this process consumes. */
  queues?: readonly QueueName[];
  listen?: boolean;
  /** 'public-only': the process serves only public routes (workers), so no credentials are needed. */
  auth?: 'required' | 'public-only';
}

export interface Started {
  ctx: Context;
  server?: Server;
  url?: string;
  localAdminToken?: string;
  /** force: do not wait for running handlers. */
  stop(force?: boolean): Promise<void>;
}

/** Shared start-up of every host: config, context, auth, consumers, HTTP server. */
export async function startHost(o: StartOptions): Promise<Started> {
  const config = o.config ?? loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const auth = o.auth === 'public-only' ? { options: {} } : setupAuth(config);
  const ctx = await createContext(config, log);
  ctx.services.set('auth-setup', Promise.resolve(auth));
  setContext(ctx);
  wireAuditHooks(ctx);
  const events = o.events ?? [];
  if (o.queues?.length && events.length) {
    const mine = events.filter((f) => f.triggers.some((t) => o.queues!.includes(QUEUE_OF[t as EventTypeName])));
    await ctx.bus.consume(o.queues, createDispatcher(ctx, mine, ctx.bus.transport));
    log.info({ queues: o.queues, functions: mine.map((f) => f.name), transport: ctx.bus.transport }, 'consuming events');
    // Durable transports keep their queue across a stop; the in-process one must be refilled.
    if (ctx.bus.transport === 'inprocess') await resumeInterrupted(ctx);
  }
  let server: Server | undefined;
  let url: string | undefined;
  if (o.listen !== false && o.http?.length) {
    const app = buildHttpApp(o.http, { log: () => log });
    const bind = bindAddress(config, 'api');
    server = await listen(app, config, 'api');
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    url = `http://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${port}`;
    log.info({ url, functions: o.http.map((f) => f.name) }, 'listening');
  }
  return {
    ctx,
    server,
    url,
    localAdminToken: auth.localAdminToken,
    async stop(force = false) {
      const closed = new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeIdleConnections?.();
      if (force) server?.closeAllConnections?.();
      await closed;
      server?.closeAllConnections?.();
      await ctx.close(force);
    },
  };
}

/**
 * Stops on SIGINT/SIGTERM (containers send SIGTERM, then SIGKILL after their grace period):
 * no new work is taken, running handlers get SOPILOT_SHUTDOWN_GRACE_MS to finish, then ffmpeg
 * children are killed and the process exits. A stage cut short keeps its claim only until its
 * lease lapses, and its event goes back to the queue (BullMQ's stalled-job check), so another
 * worker finishes it. A second signal exits at once.
 */
export function stopOnSignals(started: Started): void {
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) {
      killChildren();
      process.exit(1);
    }
    stopping = true;
    const grace = started.ctx.config.SHUTDOWN_GRACE_MS;
    started.ctx.log.info({ signal: sig, grace_ms: grace }, 'shutting down');
    const forced = setTimeout(() => {
      const n = killChildren();
      started.ctx.log.warn({ killed_children: n }, 'grace period over: stopping running handlers');
      void started.stop(true).finally(() => process.exit(0));
      // Whatever still hangs (a broken connection's close), the process goes.
      setTimeout(() => process.exit(0), 1000).unref();
    }, grace);
    forced.unref();
    started.stop().then(
      () => {
        killChildren();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

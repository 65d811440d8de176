import { loadConfig, resolveTransport, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openDb, type Db } from './db/index.js';
import { openStore, type ObjectStore } from './store/index.js';
import type { EventBus } from './events/bus.js';
import { InProcessBus } from './events/inprocess.js';
import type { SopilotEvent } from './events/types.js';
import { setStageLease } from './jobs/index.js';
import { redactPaths } from './errors.js';

/** Everything a function needs, created once per process and shared by all handlers in it. */
export interface Context {
  config: Config;
  log: Logger;
  db: Db;
  store: ObjectStore;
  bus: EventBus;
  /** Lazily created per-process services (embedder, face detector…), keyed by name. */
  services: Map<string, Promise<unknown>>;
  /** force: do not wait for running handlers (shutdown after its grace period). */
  close(force?: boolean): Promise<void>;
}

export async function createContext(config: Config = loadConfig(), log?: Logger): Promise<Context> {
  const logger = log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const db = await openDb({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, dataDir: config.dataDirAbs });
  const store = await openStore({
    endpoint: config.STORE_ENDPOINT,
    bucket: config.STORE_BUCKET,
    region: config.STORE_REGION,
    accessKeyId: config.STORE_ACCESS_KEY,
    secretAccessKey: config.STORE_SECRET_KEY,
    forcePathStyle: config.STORE_FORCE_PATH_STYLE,
    createBucket: config.STORE_CREATE_BUCKET,
    dataDir: config.dataDirAbs,
  });
  const policy = { attempts: config.QUEUE_ATTEMPTS, backoffMs: config.QUEUE_BACKOFF_MS, outageWindowMs: config.QUEUE_OUTAGE_WINDOW_MS };
  const onDeadLetter = async (event: SopilotEvent, error: string) => {
    logger.error({ event_type: event.type, event_id: event.id, err: error }, 'event moved to dead-letter');
    const d = (event.data ?? {}) as { video_id?: string; job_id?: string; score_id?: string };
    const why = redactPaths(`gave up after ${config.QUEUE_ATTEMPTS} attempts: ${error}`);
    if (d.job_id && d.video_id) {
      await db.query("UPDATE jobs SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND status <> 'completed'", [d.job_id, why]).catch(() => undefined);
      await db.query("UPDATE videos SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 AND status <> 'indexed'", [d.video_id, why]).catch(() => undefined);
    }
    if (d.score_id) {
      await db.query("UPDATE scores SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 AND status <> 'completed'", [d.score_id, why]).catch(() => undefined);
    }
    await db
      .query('INSERT INTO rejected_events (transport, reason, event_type, event_id, payload) VALUES ($1, $2, $3, $4, $5)', [
        transport,
        `dead-letter: ${error}`,
        event.type,
        event.id,
        JSON.stringify(event),
      ])
      .catch(() => undefined);
  };
  setStageLease(config.STAGE_LEASE_MS);
  const transport = resolveTransport(config);
  let bus: EventBus;
  if (transport === 'bullmq') {
    const { BullMqBus } = await import('./events/bullmq.js');
    bus = new BullMqBus(config.REDIS_URL!, config.QUEUE_PREFIX, policy, config.QUEUE_CONCURRENCY, onDeadLetter, { leaseMs: config.STAGE_LEASE_MS, dependencyTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
  } else if (transport === 'http') {
    const { HttpBrokerBus } = await import('./events/http.js');
    bus = new HttpBrokerBus(config.EVENT_BROKER_URL!, config.SERVICE_TOKEN, Math.max(config.DEPENDENCY_TIMEOUT_MS, 1000));
  } else {
    bus = new InProcessBus(policy, config.QUEUE_CONCURRENCY, onDeadLetter, config.STAGE_LEASE_MS);
  }
  const ctx: Context = {
    config,
    log: logger,
    db,
    store,
    bus,
    services: new Map(),
    async close(force = false) {
      await bus.close(force);
      await db.close();
      const s3 = store as { destroy?: () => void };
      s3.destroy?.();
    },
  };
  return ctx;
}

/** Returns a per-process service, creating it once. */
export function service<T>(ctx: Context, name: string, make: () => Promise<T>): Promise<T> {
  let p = ctx.services.get(name) as Promise<T> | undefined;
  if (!p) {
    p = make();
    ctx.services.set(name, p);
    p.catch(() => ctx.services.delete(name));
  }
  return p;
}

// The process-wide context, for hosts that load functions by name (functions framework).
let current: Promise<Context> | null = null;
export function setContext(ctx: Context): void {
  current = Promise.resolve(ctx);
}
export function getContext(): Promise<Context> {
  if (!current) current = createContext();
  return current;
}
export function clearContext(): void {
  current = null;
}

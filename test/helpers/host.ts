import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startHost, type Started } from '../../hosts/start.js';
import { httpFunctions, eventFunctions } from '../../functions/registry.js';
import { loadConfig } from '../../shared/config.js';
import { QUEUES, type QueueName } from '../../shared/events/types.js';

export const TOKENS = { admin: 'adm-test-token-1', operator: 'op-test-token-1', operator2: 'op-test-token-2', viewer: 'view-test-token-1', service: 'service-test-token-0123456789' } as const;

export interface TestHost extends Started {
  url: string;
  dataDir: string;
  /** fetch against the host with a role's token. */
  api(pathname: string, init?: RequestInit & { as?: keyof typeof TOKENS | null }): Promise<Response>;
  upload(pathname: '/gold' | '/videos', file: string, fields: Record<string, string>, as?: keyof typeof TOKENS): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the all-in-one host in this process on a free port, with env overrides (e.g. real Postgres/Redis/S3). */
export async function startTestHost(env: Record<string, string> = {}, o: { queues?: readonly QueueName[] } = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sopilot-test-'));
  const config = loadConfig({
    PATH: process.env.PATH,
    SOPILOT_PORT: '0',
    SOPILOT_BIND: '127.0.0.1',
    SOPILOT_DATA_DIR: dataDir,
    SOPILOT_LOG_LEVEL: process.env.SOPILOT_LOG_LEVEL ?? 'warn',
    SOPILOT_API_ROLE_TOKENS: `admin:${TOKENS.admin},operator:${TOKENS.operator},operator:${TOKENS.operator2},viewer:${TOKENS.viewer}`,
    SOPILOT_AUDIT_SIGNING_KEY: 'test-signing-key-0123456789abcdef',
    SOPILOT_SERVICE_TOKEN: TOKENS.service,
    SOPILOT_QUEUE_BACKOFF_MS: '200',
    SOPILOT_QUEUE_PREFIX: `sopilot-test-${randomUUID().slice(0, 8)}`,
    SOPILOT_EMBEDDER_BACKEND: 'heuristic',
    ...env,
  });
  const started = await startHost({ config, http: httpFunctions, events: eventFunctions, queues: o.queues ?? QUEUES });
  const url = started.url!;
  const api = (p: string, init: RequestInit & { as?: keyof typeof TOKENS | null } = {}) => {
    const headers = new Headers(init.headers);
    const as = init.as === undefined ? 'admin' : init.as;
    if (as) headers.set('Authorization', `Bearer ${TOKENS[as]}`);
    return fetch(url + p, { ...init, headers });
  };
  return {
    ...started,
    url,
    dataDir,
    api,
    upload(p, file, fields, as = 'admin') {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('file', new Blob([readFileSync(file)]), path.basename(file));
      return api(p, { method: 'POST', body: form, as });
    },
    async close() {
      await started.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn returns a truthy value. */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { loadConfig, ConfigError } from '../shared/config.js';
import { httpFunctions, eventFunctions } from '../functions/registry.js';
import { QUEUES } from '../shared/events/types.js';
import { startHost, stopOnSignals } from './start.js';
import { localSigningKey, writeLocalToken } from './local-secrets.js';
import path from 'node:path';

/** `npm start`: every HTTP function on one port and every event function in this process. */
export async function main(): Promise<number | void> {
  let config;
  try {
    const env: NodeJS.ProcessEnv = { SOPILOT_LOCAL_MODE: 'true', SOPILOT_LOG_FORMAT: 'console', ...process.env };
    if (!env.SOPILOT_AUDIT_SIGNING_KEY && !env.SOPILOT_AUDIT_SIGNING_PRIVATE_KEY_FILE) {
      env.SOPILOT_AUDIT_SIGNING_KEY = localSigningKey(path.resolve(env.SOPILOT_DATA_DIR ?? './data'));
    }
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const started = await startHost({ config, http: httpFunctions, events: eventFunctions, queues: QUEUES });
  stopOnSignals(started);
  const lines = [
    '',
    `SOPilot is running at ${started.url}`,
    `  database: ${config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${config.dataDirAbs}/pglite`}`,
    `  objects:  ${config.STORE_ENDPOINT ? `S3 ${config.STORE_ENDPOINT}/${config.STORE_BUCKET}` : `folder ${config.dataDirAbs}/store`}`,
    `  events:   ${started.ctx.bus.transport}`,
  ];
  if (started.localAdminToken) {
    const file = writeLocalToken(config.dataDirAbs, started.localAdminToken);
    lines.push(
      '',
      'No credentials are configured, so this local run made a one-time admin token:',
      `  ${started.localAdminToken}`,
      `  (also written to ${file})`,
      `  e.g. curl -H "Authorization: Bearer ${started.localAdminToken}" ${started.url}/videos`,
      `  UI: ${started.url}/ui`,
    );
  }
  console.log(lines.join('\n') + '\n');
}

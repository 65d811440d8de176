import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../shared/config.js';
import { eventFunctions } from '../functions/registry.js';
import { QUEUES, type QueueName } from '../shared/events/types.js';
import { systemFunction } from '../functions/system/index.js';
import { startHost, stopOnSignals } from './start.js';

/** `sopilot-worker --queues ingest,score,training`: event functions as BullMQ workers on Redis. */
export async function main(argv: string[]): Promise<number | void> {
  const { values } = parseArgs({ args: argv, options: { queues: { type: 'string', default: QUEUES.join(',') }, 'no-http': { type: 'boolean', default: false } } });
  const queues = values.queues!.split(',').map((q) => q.trim()).filter(Boolean);
  const bad = queues.filter((q) => !(QUEUES as readonly string[]).includes(q));
  if (bad.length) {
    console.error(`unknown queue(s): ${bad.join(', ')} (known: ${QUEUES.join(', ')})`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
    if (!config.REDIS_URL) throw new ConfigError('SOPILOT_REDIS_URL', 'the worker consumes BullMQ queues: set it to the Redis URL');
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  // Workers serve only health/readiness/metrics over HTTP.
  const started = await startHost({ config, http: values['no-http'] ? [] : [systemFunction], events: eventFunctions, queues: queues as QueueName[], auth: 'public-only' });
  stopOnSignals(started);
}

import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { getContext } from '../../shared/context.js';

const QueueStats = z.object({
  queue: z.string(),
  waiting: z.number(),
  active: z.number(),
  delayed: z.number(),
  failed: z.number(),
  completed: z.number(),
  dead_letter: z.number(),
  oldest_waiting_age_sec: z.number().nullable(),
});
const OpsQueue = z.object({ transport: z.string(), queues: z.array(QueueStats), rejected_events: z.number() });

/** HTTP trigger: queue state for operators (BullMQ counts, or the in-process bus). */
export const opsFunction = defineHttpFunction({
  name: 'ops',
  mount(router) {
    route(router, { method: 'get', path: '/ops/queue', summary: 'Per queue: waiting, active, delayed, failed, completed, dead-letter, oldest waiting age', role: 'viewer', tag: 'ops', response: OpsQueue, errors: [401, 403, 503] }, async (_req, res) => {
      const ctx = await getContext();
      const rejected = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_events');
      res.json({ transport: ctx.bus.transport, queues: await ctx.bus.stats(), rejected_events: rejected.rows[0]?.n ?? 0 });
    });
  },
});

http('ops', buildHttpApp([opsFunction]));

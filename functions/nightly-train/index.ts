import { cloudEvent, http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineEventFunction, defineHttpFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { getContext } from '../../shared/context.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { auditRequest } from '../../shared/security.js';
import { handleNightlyTick } from './handler.js';
import { TrainRequest } from './schema.js';

/** Event trigger (cron: com.sopilot.nightly.tick): fit task adapters, new index version, atomic pointer swap. */
export const nightlyTrainFunction = defineEventFunction({
  name: 'nightly-train',
  triggers: [EventType.nightlyTick],
  handle: handleNightlyTick,
});

/** HTTP trigger: an admin starts training now (same event as the nightly cron). */
export const trainHttpFunction = defineHttpFunction({
  name: 'train',
  mount(router) {
    route(router, { method: 'post', path: '/train', summary: 'Start training now (fits task adapters, swaps index versions)', role: 'admin', tag: 'training', body: TrainRequest, response: z.object({ event_id: z.string() }), responseStatus: 202 }, async (req, res, i) => {
      const ctx = await getContext();
      const e = makeEvent(EventType.nightlyTick, { task_id: i.body.task_id, at: new Date().toISOString(), requested_by: req.principal?.subject }, { source: '/sopilot/train' });
      await ctx.bus.publish(e);
      await auditRequest(ctx.db, req, { action: 'training.start', target_type: 'task', target_id: i.body.task_id ?? '*', outcome: 'ok', details: { event_id: e.id } });
      res.status(202).json({ event_id: e.id });
    });
  },
});

cloudEvent('nightly-train', ffEventAdapter(nightlyTrainFunction));
http('train', buildHttpApp([trainHttpFunction]));

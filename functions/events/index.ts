import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { getContext } from '../../shared/context.js';
import { eventFromHttp } from '../../shared/events/envelope.js';
import { recordRejected } from '../../shared/events/dispatch.js';

/**
 * HTTP trigger: CloudEvents ingress (binary or structured mode). Validates the event and queues
 * it on this host's transport; a malformed event is answered 400 and recorded, never crashes.
 */
export const eventsFunction = defineHttpFunction({
  name: 'events',
  mount(router) {
    route(
      router,
      { method: 'post', path: '/events', summary: 'Deliver a CloudEvent (com.sopilot.*) to the pipeline', role: 'operator', tag: 'events', responseStatus: 202, response: z.object({ accepted: z.boolean(), id: z.string(), type: z.string() }), errors: [400, 401, 403] },
      async (req, res) => {
        const ctx = await getContext();
        let event;
        try {
          event = eventFromHttp(req.headers, req.body);
        } catch (e) {
          await recordRejected(ctx, 'http', e as Error, req.body);
          throw e;
        }
        await ctx.bus.publish(event);
        res.status(202).json({ accepted: true, id: event.id, type: event.type });
      },
    );
  },
});

http('events', buildHttpApp([eventsFunction]));

import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { getContext } from '../../shared/context.js';
import { eventFromHttpBytes } from '../../shared/events/envelope.js';
import { recordRejected } from '../../shared/events/dispatch.js';
import { credentialFor, mayInject } from '../../shared/events/authorize.js';
import { EventType, type EventTypeName } from '../../shared/events/types.js';
import { readRawBody } from '../../shared/http/raw-body.js';
import { auditRequest } from '../../shared/security.js';
import { AppError } from '../../shared/errors.js';

/**
 * HTTP trigger: CloudEvents ingress (binary or structured mode). Validates the event, checks the
 * caller may cause its effect (credentialFor), audits who sent it and queues it; a malformed
 * event, unparseable JSON included, is answered 400 and recorded in rejected_events.
 */
export const eventsFunction = defineHttpFunction({
  name: 'events',
  rawBodyPaths: ['/events'],
  mount(router) {
    route(
      router,
      { method: 'post', path: '/events', summary: 'Deliver a CloudEvent (com.sopilot.*) to the pipeline; nightly.tick needs admin, pipeline-internal types the service credential', role: 'operator', tag: 'events', responseStatus: 202, response: z.object({ accepted: z.boolean(), id: z.string(), type: z.string() }), errors: [400, 401, 403, 413, 503] },
      async (req, res) => {
        const ctx = await getContext();
        const raw = await readRawBody(req, res);
        let event;
        try {
          event = eventFromHttpBytes(req.headers, raw);
        } catch (e) {
          await recordRejected(ctx, 'http', e as Error, raw.toString('utf8'));
          throw e;
        }
        const type = event.type as EventTypeName;
        const target = { target_type: 'event', target_id: `${type} ${event.id}`.slice(0, 300) };
        if (!mayInject(req.principal, type)) {
          const need = credentialFor(type);
          await auditRequest(ctx.db, req, { action: 'event.denied', ...target, outcome: 'denied', details: { type, needs: need } });
          throw new AppError(403, 'forbidden', need === 'service' ? `${type} is pipeline-internal: only the service credential may send it` : `${type} needs the ${need} role`);
        }
        // Training started through the ingress is done on behalf of its sender, not of "system".
        if (type === EventType.nightlyTick) (event.data as { requested_by?: string }).requested_by = req.principal!.subject;
        await ctx.bus.publish(event);
        await auditRequest(ctx.db, req, { action: 'event.accepted', ...target, outcome: 'ok', details: { type, source: event.source } });
        res.status(202).json({ accepted: true, id: event.id, type: event.type });
      },
    );
  },
});

http('events', buildHttpApp([eventsFunction]));

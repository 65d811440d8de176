import { cloudEvent, http } from '@google-cloud/functions-framework';
import { defineEventFunction, defineHttpFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { getContext } from '../../shared/context.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { ingestDroppedObjects } from '../../shared/ingest/bucket-drop.js';
import { BucketNotification, DropResult } from './schema.js';

/** Event trigger: S3/MinIO notification delivered as CloudEvent com.sopilot.object.created. */
export const bucketDropEventFunction = defineEventFunction({
  name: 'bucket-drop',
  triggers: [EventType.objectCreated],
  async handle(event, ctx) {
    const r = await ingestDroppedObjects(ctx, event.data.Records, ctx.config.STORE_BUCKET);
    ctx.log.info({ registered: r.registered.length, duplicates: r.duplicates.length, skipped: r.skipped }, 'bucket drop handled');
  },
});

/** HTTP trigger: the same notification as a plain webhook (MinIO notify_webhook, S3 via a relay). */
export const bucketDropHttpFunction = defineHttpFunction({
  name: 'bucket-drop-webhook',
  mount(router) {
    route(
      router,
      { method: 'post', path: '/bucket/notify', summary: 'S3/MinIO bucket notification webhook: registers inbox/<task>/<role>/<file> objects once per version', role: 'operator', tag: 'ingest', body: BucketNotification, response: DropResult, responseStatus: 202, errors: [400, 401, 403] },
      async (_req, res, i) => {
        const ctx = await getContext();
        res.status(202).json(await ingestDroppedObjects(ctx, i.body.Records, ctx.config.STORE_BUCKET));
      },
    );
  },
});

cloudEvent('bucket-drop', ffEventAdapter(bucketDropEventFunction));
http('bucket-drop-webhook', buildHttpApp([bucketDropHttpFunction]));

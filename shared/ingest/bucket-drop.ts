import path from 'node:path';
import type { Context } from '../context.js';
import type { EventData } from '../events/types.js';
import { EventType } from '../events/types.js';
import { newVideoId, registerVideo } from '../video-repo/register.js';
import type { VideoRole } from '../video-repo/repo.js';
import { parseWho, whoFromMetadata, whoFromSegments } from '../video-repo/who.js';
import { sniffObjectMediaType } from '../media/media-type.js';

type Records = EventData<typeof EventType.objectCreated>['Records'];

export interface DropResult {
  registered: Array<{ key: string; video_id: string; job_id: string }>;
  duplicates: Array<{ key: string; video_id: string }>;
  skipped: Array<{ key: string; reason: string }>;
}

// Optional key=value folders between the role and the file: worker_id=…/station=…/shift=…
const INBOX = /^inbox\/([A-Za-z0-9._:-]{1,200})\/(gold|trainee|audit)\/((?:[^/]+\/){0,3})([^/]+)$/;

/** S3 notifications URL-encode keys ('+' for space). */
function decodeKey(k: string): string {
  try {
    return decodeURIComponent(k.replace(/\+/g, ' '));
  } catch {
    return k;
  }
}

/**
 * Registers objects dropped under inbox/<task_id>/<role>/[worker_id=…/][station=…/][shift=…/]<name>
 * and starts their ingest, once per object version (key + version id, or ETag where the store has
 * no versioning). Who/where come from those folders, else from the object's metadata
 * (x-amz-meta-worker-id, -station, -shift); the folders win.
 */
export async function ingestDroppedObjects(ctx: Context, records: Records, bucket: string): Promise<DropResult> {
  const out: DropResult = { registered: [], duplicates: [], skipped: [] };
  for (const r of records) {
    const key = decodeKey(r.s3.object.key);
    if (r.eventName && !/ObjectCreated/i.test(r.eventName)) {
      out.skipped.push({ key, reason: `event ${r.eventName} is not an object creation` });
      continue;
    }
    if (r.s3.bucket?.name && r.s3.bucket.name !== bucket) {
      out.skipped.push({ key, reason: `bucket ${r.s3.bucket.name} is not the configured bucket ${bucket}` });
      continue;
    }
    const m = INBOX.exec(key);
    if (!m) {
      out.skipped.push({ key, reason: 'not under inbox/<task_id>/<gold|trainee|audit>/<file>' });
      continue;
    }
    const folders = whoFromSegments(m[3].split('/').filter(Boolean));
    if (folders.error) {
      out.skipped.push({ key, reason: folders.error });
      continue;
    }
    const head = await ctx.store.head(key);
    if (!head) {
      out.skipped.push({ key, reason: 'object not found in the store' });
      continue;
    }
    const who = parseWho({ ...whoFromMetadata(head.metadata), ...folders.who });
    if (!who.ok) {
      out.skipped.push({ key, reason: who.error });
      continue;
    }
    const version = r.s3.object.versionId || r.s3.object.eTag || head.etag || r.s3.object.sequencer || String(head.size);
    const res = await registerVideo(ctx, {
      videoId: newVideoId(),
      taskId: m[1],
      role: m[2] as VideoRole,
      who: who.who,
      objectKey: key,
      originalName: path.basename(key),
      contentType: await sniffObjectMediaType(ctx.store, key),
      sizeBytes: head.size,
      sha256: null,
      uploadedBy: 'bucket-drop',
      uploaderRole: null,
      source: 'bucket',
      sourceRef: `${key}#${String(version).replace(/"/g, '')}`,
    });
    if (res.duplicate) out.duplicates.push({ key, video_id: res.videoId });
    else out.registered.push({ key, video_id: res.videoId, job_id: res.job.id });
  }
  return out;
}

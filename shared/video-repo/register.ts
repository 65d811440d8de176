import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { createJob, setJobStatus, type JobRow } from '../jobs/index.js';
import { makeEvent } from '../events/envelope.js';
import { EventType } from '../events/types.js';
import { appendAudit } from '../audit/index.js';
import type { VideoRole } from './repo.js';
import type { Who } from './who.js';

export const newVideoId = () => `vid_${randomUUID()}`;
export const rawKey = (videoId: string, ext: string) => `raw/${videoId}/original${ext}`;

export interface RegisterVideo {
  videoId: string;
  taskId: string;
  role: VideoRole;
  /** Who recorded it and where (validated by WhoFields). */
  who?: Who;
  objectKey: string;
  originalName: string | null;
  contentType: string | null;
  sizeBytes: number;
  sha256: string | null;
  uploadedBy: string;
  uploaderRole: string | null;
  source: 'upload' | 'bucket' | 'watch';
  /** For bucket-drop: object key + version, unique, so one object version becomes one video. */
  sourceRef?: string;
  requestId?: string | null;
  clientAddr?: string | null;
}

/**
 * Records a stored video, its ingest job and an audit row in one transaction, then emits
 * com.sopilot.video.uploaded. Returns null when sourceRef was already registered.
 */
export async function registerVideo(ctx: Context, v: RegisterVideo): Promise<{ videoId: string; job: JobRow; duplicate: boolean }> {
  const result = await ctx.db.transaction(async (tx) => {
    const ins = await tx.query(
      `INSERT INTO videos (id, task_id, role, status, original_name, content_type, size_bytes, sha256, object_key, source, source_ref, uploaded_by, worker_id, station, shift)
       VALUES ($1, $2, $3, 'uploaded', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id`,
      [v.videoId, v.taskId, v.role, v.originalName, v.contentType, v.sizeBytes, v.sha256, v.objectKey, v.source, v.sourceRef ?? null, v.uploadedBy, v.who?.worker_id ?? null, v.who?.station ?? null, v.who?.shift ?? null],
    );
    if (!ins.rows[0]) {
      const existing = await tx.query<{ id: string }>('SELECT id FROM videos WHERE source = $1 AND source_ref = $2', [v.source, v.sourceRef]);
      const videoId = existing.rows[0]!.id;
      const job = await tx.query('SELECT * FROM jobs WHERE idempotency_key = $1', [`ingest:${videoId}`]);
      return { videoId, job: job.rows[0] as JobRow, duplicate: true };
    }
    const { job } = await createJob(tx, {
      kind: 'ingest',
      videoId: v.videoId,
      idempotencyKey: `ingest:${v.videoId}`,
      input: { video_id: v.videoId, task_id: v.taskId, role: v.role, object_key: v.objectKey },
    });
    await appendAudit(tx, {
      subject: v.uploadedBy,
      role: v.uploaderRole,
      action: 'video.upload',
      target_type: 'video',
      target_id: v.videoId,
      request_id: v.requestId ?? null,
      client_addr: v.clientAddr ?? null,
      outcome: 'ok',
      details: { task_id: v.taskId, role: v.role, ...(v.who ? { who: v.who } : {}), size_bytes: v.sizeBytes, sha256: v.sha256, source: v.source, job_id: job.id },
    });
    return { videoId: v.videoId, job, duplicate: false };
  });
  if (!result.duplicate) {
    try {
      await emitUploaded(ctx, result.videoId, result.job.id, v.taskId, v.role, v.objectKey);
    } catch (e) {
      // Nothing half-registered: without its event the video would wait for ever; the caller
      // answers 503 (an upload removes its object, a bucket notification is retried).
      await unregisterVideo(ctx, result.videoId, result.job.id, v, (e as Error).message);
      throw e;
    }
  }
  return result;
}

/** Undoes a registration whose ingest could not be queued; the audit trail keeps both rows. */
async function unregisterVideo(ctx: Context, videoId: string, jobId: string, v: RegisterVideo, why: string): Promise<void> {
  await ctx.db
    .transaction(async (tx) => {
      await tx.query('DELETE FROM jobs WHERE id = $1', [jobId]);
      await tx.query('DELETE FROM videos WHERE id = $1', [videoId]);
      await appendAudit(tx, {
        subject: v.uploadedBy,
        role: v.uploaderRole,
        action: 'video.upload.rolled_back',
        target_type: 'video',
        target_id: videoId,
        request_id: v.requestId ?? null,
        client_addr: v.clientAddr ?? null,
        outcome: 'error',
        details: { reason: why.slice(0, 500), job_id: jobId },
      });
    })
    .catch((e) => ctx.log.error({ err: (e as Error).message, video_id: videoId }, 'could not roll back a registration'));
}

export async function emitUploaded(
  ctx: Context,
  videoId: string,
  jobId: string,
  taskId: string,
  role: VideoRole,
  objectKey: string,
  idSuffix = '',
) {
  try {
    await ctx.bus.publish(
      makeEvent(
        EventType.videoUploaded,
        { video_id: videoId, job_id: jobId, task_id: taskId, role, object_key: objectKey },
        { id: `uploaded-${videoId}${idSuffix ? `-${idSuffix}` : ''}`, source: '/sopilot/upload', subject: videoId },
      ),
    );
  } catch (e) {
    // The video and its row are kept; the job says why ingest did not start (POST /videos/:id/reingest retries).
    await setJobStatus(ctx.db, jobId, 'failed', { error: `could not queue ingest: ${(e as Error).message}` }).catch(() => undefined);
    throw e;
  }
}

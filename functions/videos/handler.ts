import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { contentDisposition, servedMediaType } from '../../shared/media/media-type.js';
import { getContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { getJob } from '../../shared/jobs/index.js';
import { getVideo, listVideos, videoView } from '../../shared/video-repo/repo.js';
import { deleteVideo } from '../../shared/video-repo/delete.js';
import { emitUploaded } from '../../shared/video-repo/register.js';
import { setJobStatus } from '../../shared/jobs/index.js';
import type { z } from 'zod';
import type { DeleteQuery, ListVideosQuery, ThumbnailQuery } from './schema.js';
import { frameAt } from '../../shared/video-repo/frame.js';

export async function list(_req: Request, res: Response, q: z.output<typeof ListVideosQuery>): Promise<void> {
  const ctx = await getContext();
  const page = await listVideos(ctx.db, { taskId: q.task_id, role: q.role, workerId: q.worker_id, station: q.station, shift: q.shift, limit: q.limit, cursor: q.cursor });
  res.json({ items: page.items.map(videoView), next_cursor: page.next_cursor });
}

export async function get(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const v = await getVideo(ctx.db, String(req.params.id));
  if (!v) throw notFound(`video ${req.params.id}`);
  res.json(videoView(v));
}

/** GET /videos/:id/thumbnail?t=: the stored frame nearest t, as PNG. */
export async function thumbnail(req: Request, res: Response, q: z.output<typeof ThumbnailQuery>): Promise<void> {
  const ctx = await getContext();
  const v = await getVideo(ctx.db, String(req.params.id));
  if (!v) throw notFound(`video ${req.params.id}`);
  const png = await frameAt(ctx, v.id, q.t);
  if (!png) throw new AppError(404, 'not_found', `video ${v.id} has no stored frames (it is ${v.status})`);
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.setHeader('Content-Length', String(png.length));
  res.end(png);
}

/** Parses a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range; multi-range is answered whole. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** GET /videos/:id/file: playback with Range support; serves the privacy-masked rendition when there is one. */
export async function file(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const v = await getVideo(ctx.db, String(req.params.id));
  if (!v || !v.object_key) throw notFound(`video ${req.params.id}`);
  const key = v.playback_key ?? v.object_key;
  const head = await ctx.store.head(key);
  if (!head) throw new AppError(404, 'object_not_found', `the file of video ${v.id} is missing from the object store`);
  const range = parseRange(req.headers.range, head.size);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${head.size}`);
    throw new AppError(416, 'range_not_satisfiable', `range ${req.headers.range} is outside the file (${head.size} bytes)`);
  }
  const obj = await ctx.store.get(key, range ?? undefined);
  res.setHeader('Accept-Ranges', 'bytes');
  // The type this code probed at upload (an allow-list of video types), never one a client chose;
  // and a download that no browser renders as a page of this origin.
  res.setHeader('Content-Type', v.playback_key ? 'video/mp4' : servedMediaType(v.content_type));
  res.setHeader('Content-Disposition', contentDisposition('attachment', v.original_name || `${v.id}.mp4`));
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${head.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(head.size));
  }
  await pipeline(obj.body, res);
}

export async function job(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const j = await getJob(ctx.db, String(req.params.id));
  if (!j) throw notFound(`job ${req.params.id}`);
  res.json({
    id: j.id,
    kind: j.kind,
    status: j.status,
    attempts: j.attempts,
    error: j.error,
    video_id: j.video_id,
    score_id: j.score_id,
    output: j.output,
    created_at: j.created_at,
    updated_at: j.updated_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
  });
}

export async function remove(req: Request, res: Response, q: z.output<typeof DeleteQuery>): Promise<void> {
  const ctx = await getContext();
  const out = await deleteVideo(
    ctx,
    String(req.params.id),
    {
      subject: req.principal?.subject ?? 'anonymous',
      role: req.principal?.role ?? null,
      requestId: (req.headers['x-request-id'] as string) ?? null,
      clientAddr: req.ip ?? null,
    },
    { force: q.force === 'true', requireOwner: req.principal?.role !== 'admin' },
  );
  res.json({ id: req.params.id, deleted: true, ...out });
}

/** Re-queues ingest for a video whose ingest failed or could not be queued. */
export async function reingest(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const v = await getVideo(ctx.db, String(req.params.id));
  if (!v || !v.object_key) throw notFound(`video ${req.params.id}`);
  const jobRow = await ctx.db.query<{ id: string; status: string }>('SELECT id, status FROM jobs WHERE idempotency_key = $1', [`ingest:${v.id}`]);
  const j = jobRow.rows[0];
  if (!j) throw notFound(`ingest job of video ${v.id}`);
  if (j.status === 'completed') throw new AppError(409, 'conflict', `video ${v.id} is already indexed`);
  await setJobStatus(ctx.db, j.id, 'queued', { error: null });
  // Stage rows that failed may run again; a new event id gets past transport de-duplication.
  await ctx.db.query("UPDATE jobs SET status = 'failed' WHERE video_id = $1 AND kind IN ('clip-extract', 'embed') AND status = 'running' AND updated_at < now() - interval '15 minutes'", [v.id]);
  await emitUploaded(ctx, v.id, j.id, v.task_id, v.role, v.object_key, `reingest-${Date.now()}`);
  res.status(202).json({ video_id: v.id, job_id: j.id });
}

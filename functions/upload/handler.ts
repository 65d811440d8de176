import type { Request, Response } from 'express';
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { getContext } from '../../shared/context.js';
import { AppError, badRequest } from '../../shared/errors.js';
import { sniffVideoContainer } from '../../shared/media/probe.js';
import { CONTAINER_MEDIA_TYPE } from '../../shared/media/media-type.js';
import { newVideoId, rawKey, registerVideo } from '../../shared/video-repo/register.js';
import { UploadFields } from './schema.js';
import { ensureDependencies } from '../../shared/http/dependencies.js';

const SNIFF_BYTES = 64;

/** Passes bytes through while hashing them, and refuses the stream if its first bytes are not a video container. */
class VideoGate extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  private head: Buffer[] = [];
  private headLen = 0;
  private checked = false;
  container: string | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.checked) return cb(null, chunk);
    this.head.push(chunk);
    this.headLen += chunk.length;
    if (this.headLen < SNIFF_BYTES) return cb();
    this.check(cb);
  }
  override _flush(cb: TransformCallback): void {
    if (!this.checked) return this.check(cb);
    cb();
  }
  private check(cb: TransformCallback): void {
    const buf = Buffer.concat(this.head);
    this.checked = true;
    this.head = [];
    const kind = sniffVideoContainer(buf);
    if (!kind) return cb(new AppError(415, 'unsupported_media_type', 'the uploaded file is not a recognised video container'));
    this.container = kind;
    this.emit('sniffed', CONTAINER_MEDIA_TYPE[kind]);
    cb(null, buf);
  }
}

/** POST /gold and POST /videos: streams one multipart file to the object store, then registers it. */
export async function handleUpload(req: Request, res: Response, forcedRole?: 'gold'): Promise<void> {
  const ctx = await getContext();
  const maxBytes = Math.floor(ctx.config.UPLOAD_MAX_MB * 1024 * 1024);
  const ctype = req.headers['content-type'] ?? '';
  if (!ctype.startsWith('multipart/form-data')) {
    throw new AppError(415, 'unsupported_media_type', 'send the video as multipart/form-data with fields file and task_id');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  // Multipart overhead is small; refuse an oversized body before reading it.
  if (declared > maxBytes + 1024 * 1024) {
    req.resume();
    throw new AppError(413, 'payload_too_large', `upload exceeds the limit of ${ctx.config.UPLOAD_MAX_MB} MB`);
  }

  // During an outage, refuse at once: no byte stored, no row written, the client may simply retry.
  await ensureDependencies(ctx, ['queue', 'store']);

  const videoId = newVideoId();
  const fields: Record<string, string> = {};
  let stored: { key: string; size: number; sha256: string; name: string; mime: string } | null = null;
  let fileSeen = false;
  let storing: Promise<void> | null = null;
  let tooLarge = false;
  // Ends the object's body with an error, so the store's put settles (a multipart upload is aborted) instead of waiting for bytes that never come.
  let failBody: (e: Error) => void = () => undefined;

  const tooLargeError = () => new AppError(413, 'payload_too_large', `upload exceeds the limit of ${ctx.config.UPLOAD_MAX_MB} MB`);
  const parsed = new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    /**
     * Answers now instead of reading the rest of the body (a 2 GB chunked upload over the limit,
     * a store that failed): stop reading, close the connection once the answer is out.
     */
    const refuse = (e: Error) => {
      req.unpipe(bb);
      res.setHeader('Connection', 'close');
      res.once('finish', () => setTimeout(() => req.destroy(), 50).unref());
      reject(e);
    };
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024 } });
    } catch (e) {
      return reject(badRequest(`malformed multipart body: ${(e as Error).message}`));
    }
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, file, info) => {
      if (name !== 'file' || fileSeen) {
        file.resume();
        return;
      }
      fileSeen = true;
      const ext = (path.extname(info.filename || '') || '.mp4').toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 8);
      const key = rawKey(videoId, ext);
      const gate = new VideoGate();
      const body = new PassThrough();
      file.on('limit', () => {
        tooLarge = true;
        body.destroy(tooLargeError());
        refuse(tooLargeError());
      });
      // The store's pipeline reports these errors; the no-op listeners keep an early one from being unhandled.
      body.on('error', () => undefined);
      gate.on('error', (e) => {
        body.destroy(e);
        refuse(e);
      });
      file.pipe(gate).pipe(body);
      failBody = (e) => {
        gate.destroy(e);
        body.destroy(e);
      };
      // The object is written once its first bytes say what it is: its type comes from them, never from the client.
      storing = new Promise<void>((resolve, reject) => {
        gate.once('error', reject);
        gate.once('sniffed', (mime: string) => {
          ctx.store
            .put(key, body, { contentType: mime, metadata: { video_id: videoId } })
            .then((obj) => {
              stored = { key, size: obj.size, sha256: gate.hash.digest('hex'), name: info.filename || 'video', mime };
              resolve();
            }, reject);
        });
      }).catch((e) => {
        file.resume();
        if (!tooLarge) refuse(e);
        throw e;
      });
      storing.catch(() => undefined);
    });
    bb.on('error', (e) => reject(badRequest(`malformed multipart body: ${(e as Error).message}`)));
    bb.on('close', () => resolve());
    req.on('aborted', () => reject(badRequest('upload aborted by the client')));
    // Under the functions framework the body was already read into rawBody; elsewhere it is streamed.
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    if (raw) bb.end(raw);
    else req.pipe(bb);
  });

  const cleanup = async () => {
    // Nothing partial is left behind: remove whatever part of this upload reached the store.
    await ctx.store.deletePrefix(`raw/${videoId}/`).catch(() => undefined);
  };
  try {
    await parsed;
    if (storing) await storing;
  } catch (e) {
    // Let a put still in flight settle first, so nothing lands after the cleanup.
    failBody(e as Error);
    if (storing) await (storing as Promise<void>).catch(() => undefined);
    await cleanup();
    if (tooLarge) throw tooLargeError();
    throw e;
  }
  if (tooLarge) {
    await cleanup();
    throw tooLargeError();
  }
  const parsedFields = UploadFields.safeParse({ ...fields, ...(forcedRole ? { role: forcedRole } : {}) });
  if (!parsedFields.success || !stored) {
    await cleanup();
    if (!stored) throw badRequest('the multipart field "file" with the video is required');
    throw badRequest(parsedFields.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const s = stored as { key: string; size: number; sha256: string; name: string; mime: string };
  if (s.size === 0) {
    await cleanup();
    throw badRequest('the uploaded file is empty');
  }
  let registered;
  try {
    registered = await registerVideo(ctx, {
      videoId,
      taskId: parsedFields.data.task_id,
      role: parsedFields.data.role,
      who: { worker_id: parsedFields.data.worker_id, station: parsedFields.data.station, shift: parsedFields.data.shift },
      objectKey: s.key,
      originalName: s.name,
      contentType: s.mime,
      sizeBytes: s.size,
      sha256: s.sha256,
      uploadedBy: req.principal?.subject ?? 'anonymous',
      uploaderRole: req.principal?.role ?? null,
      source: 'upload',
      requestId: (req.headers['x-request-id'] as string) ?? null,
      clientAddr: req.ip ?? null,
    });
  } catch (e) {
    // Registration failed before any row committed? Then the object is an orphan: remove it.
    const row = await ctx.db.query('SELECT 1 FROM videos WHERE id = $1', [videoId]).catch(() => ({ rows: [1] }));
    if (!row.rows.length) await cleanup();
    if (row.rows.length) throw new AppError(503, 'queue_unavailable', `video stored as ${videoId} but ingest could not be queued: ${(e as Error).message}`);
    throw e;
  }
  res.status(202).json({ video_id: registered.videoId, job_id: registered.job.id });
}

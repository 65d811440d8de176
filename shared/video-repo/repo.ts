import type { Db } from '../db/index.js';
import { keysetPage } from '../db/keyset.js';
import { isoTime } from '../db/rows.js';

export type VideoRole = 'gold' | 'trainee' | 'audit';
export type VideoStatus = 'uploaded' | 'processing' | 'indexed' | 'failed' | 'deleted';

export interface VideoRow {
  id: string;
  task_id: string;
  role: VideoRole;
  status: VideoStatus;
  original_name: string | null;
  content_type: string | null;
  size_bytes: number | null;
  sha256: string | null;
  object_key: string | null;
  playback_key: string | null;
  duration_sec: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  clip_count: number | null;
  embedder: string | null;
  embedding_dim: number | null;
  source: string;
  source_ref: string | null;
  uploaded_by: string | null;
  worker_id: string | null;
  station: string | null;
  shift: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

const iso = isoTime;

export function toVideo(r: Record<string, unknown>): VideoRow {
  return {
    ...(r as unknown as VideoRow),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    deleted_at: iso(r.deleted_at),
  };
}

export async function getVideo(db: Db, id: string): Promise<VideoRow | null> {
  const r = await db.query('SELECT * FROM videos WHERE id = $1', [id]);
  return r.rows[0] ? toVideo(r.rows[0]) : null;
}

export async function listVideos(
  db: Db,
  o: { taskId?: string; role?: VideoRole; workerId?: string; station?: string; shift?: string; limit: number; cursor?: string },
): Promise<{ items: VideoRow[]; next_cursor: string | null }> {
  const params: unknown[] = [];
  const where: string[] = ["status <> 'deleted'"];
  if (o.taskId) where.push(`task_id = $${params.push(o.taskId)}`);
  if (o.role) where.push(`role = $${params.push(o.role)}`);
  if (o.workerId) where.push(`worker_id = $${params.push(o.workerId)}`);
  if (o.station) where.push(`station = $${params.push(o.station)}`);
  if (o.shift) where.push(`shift = $${params.push(o.shift)}`);
  return keysetPage(db, { table: 'videos', where, params, limit: o.limit, cursor: o.cursor, map: toVideo });
}

export async function updateVideo(db: Db, id: string, patch: Partial<VideoRow>): Promise<void> {
  const keys = Object.keys(patch);
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${k} = $${i + 2}`);
  await db.query(`UPDATE videos SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [
    id,
    ...keys.map((k) => (patch as Record<string, unknown>)[k]),
  ]);
}

/** The public shape of a video (GET /videos/:id). */
export function videoView(v: VideoRow) {
  return {
    id: v.id,
    task_id: v.task_id,
    role: v.role,
    status: v.status,
    original_name: v.original_name,
    content_type: v.content_type,
    size_bytes: v.size_bytes,
    sha256: v.sha256,
    duration_sec: v.duration_sec,
    fps: v.fps,
    width: v.width,
    height: v.height,
    clip_count: v.clip_count,
    embedder: v.embedder,
    embedding_dim: v.embedding_dim,
    source: v.source,
    uploaded_by: v.uploaded_by,
    worker_id: v.worker_id ?? null,
    station: v.station ?? null,
    shift: v.shift ?? null,
    error: v.error,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

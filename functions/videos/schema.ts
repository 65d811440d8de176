import { z } from 'zod';

export const ListVideosQuery = z.object({
  task_id: z.string().min(1).optional(),
  role: z.enum(['gold', 'trainee', 'audit']).optional(),
  worker_id: z.string().min(1).max(100).optional(),
  station: z.string().min(1).max(100).optional(),
  shift: z.string().min(1).max(50).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const VideoView = z.object({
  id: z.string(),
  task_id: z.string(),
  role: z.enum(['gold', 'trainee', 'audit']),
  status: z.enum(['uploaded', 'processing', 'indexed', 'failed', 'deleted']),
  original_name: z.string().nullable(),
  content_type: z.string().nullable(),
  size_bytes: z.number().nullable(),
  sha256: z.string().nullable(),
  duration_sec: z.number().nullable(),
  fps: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  clip_count: z.number().nullable(),
  embedder: z.string().nullable(),
  embedding_dim: z.number().nullable(),
  source: z.string(),
  uploaded_by: z.string().nullable(),
  worker_id: z.string().nullable(),
  station: z.string().nullable(),
  shift: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const VideoList = z.object({ items: z.array(VideoView), next_cursor: z.string().nullable() });

export const JobView = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  attempts: z.number(),
  error: z.string().nullable(),
  video_id: z.string().nullable(),
  score_id: z.string().nullable(),
  output: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export const ThumbnailQuery = z.object({ t: z.coerce.number().min(0).max(86_400).default(0) });

export const DeleteQuery = z.object({ force: z.enum(['true', 'false']).default('false') });

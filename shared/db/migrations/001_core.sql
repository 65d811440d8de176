-- Core metadata: videos, jobs (every stage run), rejected events.
CREATE TABLE videos (
  id              text PRIMARY KEY,
  task_id         text NOT NULL,
  role            text NOT NULL CHECK (role IN ('gold', 'trainee', 'audit')),
  status          text NOT NULL CHECK (status IN ('uploaded', 'processing', 'indexed', 'failed', 'deleted')),
  original_name   text,
  content_type    text,
  size_bytes      bigint,
  sha256          text,
  object_key      text,
  playback_key    text,
  duration_sec    double precision,
  fps             double precision,
  width           integer,
  height          integer,
  codec           text,
  clip_count      integer,
  embedder        text,
  embedding_dim   integer,
  source          text NOT NULL DEFAULT 'upload',
  source_ref      text,
  uploaded_by     text,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE INDEX videos_task_idx ON videos (task_id, created_at DESC);
-- Bucket-drop: one video per object version.
CREATE UNIQUE INDEX videos_source_ref_idx ON videos (source, source_ref) WHERE source_ref IS NOT NULL;

CREATE TABLE jobs (
  id               text PRIMARY KEY,
  kind             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  idempotency_key  text UNIQUE,
  video_id         text,
  score_id         text,
  input            jsonb NOT NULL DEFAULT '{}'::jsonb,
  output           jsonb,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
CREATE INDEX jobs_video_idx ON jobs (video_id);
CREATE INDEX jobs_status_idx ON jobs (kind, status);

CREATE TABLE rejected_events (
  id           bigserial PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now(),
  transport    text NOT NULL,
  reason       text NOT NULL,
  event_type   text,
  event_id     text,
  payload      text
);

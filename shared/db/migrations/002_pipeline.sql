-- Clip embeddings, gold steps and scores.
CREATE TABLE clip_embeddings (
  video_id     text NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  clip_index   integer NOT NULL,
  start_sec    double precision NOT NULL,
  end_sec      double precision NOT NULL,
  embedder     text NOT NULL,
  dim          integer NOT NULL,
  -- Always present so scoring never depends on pgvector (and reads fast); a vector column is added when the extension exists.
  embedding    bytea NOT NULL, -- float32 little-endian, L2-normalised
  PRIMARY KEY (video_id, clip_index)
);

CREATE TABLE gold_steps (
  video_id     text NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  step_index   integer NOT NULL,
  name         text NOT NULL,
  start_clip   integer NOT NULL,
  end_clip     integer NOT NULL,
  start_sec    double precision NOT NULL,
  end_sec      double precision NOT NULL,
  source       text NOT NULL DEFAULT 'auto' CHECK (source IN ('auto', 'manual')),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, step_index)
);

CREATE TABLE scores (
  id                 text PRIMARY KEY,
  task_id            text,
  gold_video_id      text NOT NULL,
  trainee_video_id   text NOT NULL,
  status             text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  score              double precision,
  passed             boolean,
  result             jsonb,
  alignment          jsonb,
  timings_ms         jsonb NOT NULL DEFAULT '{}'::jsonb,
  error              text,
  result_hash        text,
  report_key         text,
  video_deleted      text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz
);
CREATE INDEX scores_gold_idx ON scores (gold_video_id);
CREATE INDEX scores_trainee_idx ON scores (trainee_video_id);

-- Which index version (embedder + dim) is current per task; nightly training swaps it atomically.
CREATE TABLE index_versions (
  task_id      text NOT NULL,
  version      integer NOT NULL,
  embedder     text NOT NULL,
  dim          integer NOT NULL,
  adapter_key  text,
  metrics      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, version)
);
CREATE TABLE index_pointers (
  task_id      text PRIMARY KEY,
  version      integer NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

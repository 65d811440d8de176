-- Supervisor workflow: who and where a video was recorded, SOP task definitions (versioned),
-- the definition version and the review of each score, batches of scores.

ALTER TABLE videos ADD COLUMN worker_id text;
ALTER TABLE videos ADD COLUMN station text;
ALTER TABLE videos ADD COLUMN shift text;

-- The current definition of each task; every saved version is kept in task_versions.
CREATE TABLE tasks (
  id              text PRIMARY KEY,
  version         integer NOT NULL,
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  gold_video_id   text,
  pass_threshold  double precision,
  steps           jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE task_versions (
  task_id     text NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  version     integer NOT NULL,
  definition  jsonb NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, version)
);

CREATE TABLE score_batches (
  id             text PRIMARY KEY,
  task_id        text,
  gold_video_id  text NOT NULL,
  skipped        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Who/where are copied from the trainee video when the score is requested: a worker's history
-- outlives the deletion of the video. performed_at is the trainee video's upload time.
ALTER TABLE scores ADD COLUMN task_version integer;
ALTER TABLE scores ADD COLUMN worker_id text;
ALTER TABLE scores ADD COLUMN station text;
ALTER TABLE scores ADD COLUMN shift text;
ALTER TABLE scores ADD COLUMN performed_at timestamptz;
ALTER TABLE scores ADD COLUMN batch_id text;
-- The reviewer's decision sits beside the engine's verdict (scores.passed), which never changes.
ALTER TABLE scores ADD COLUMN review_decision text CHECK (review_decision IN ('confirm', 'override_pass', 'override_fail'));
ALTER TABLE scores ADD COLUMN review_comment text;
ALTER TABLE scores ADD COLUMN reviewed_by text;
ALTER TABLE scores ADD COLUMN reviewed_at timestamptz;

CREATE INDEX scores_task_idx ON scores (task_id, created_at DESC);
CREATE INDEX scores_worker_idx ON scores (worker_id, created_at DESC) WHERE worker_id IS NOT NULL;
CREATE INDEX scores_batch_idx ON scores (batch_id) WHERE batch_id IS NOT NULL;

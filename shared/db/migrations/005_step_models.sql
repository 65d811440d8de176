-- Per-step tolerances learned from a gold's reviewer-accepted runs (nightly-train,
-- shared/training/step-models.ts): one row per fitted version, the newest is the current one.
-- input_hash is the fitted model's hash: the same accepted runs give no new version.
CREATE TABLE step_models (
  gold_video_id  text NOT NULL,
  version        integer NOT NULL,
  task_id        text,
  model          jsonb NOT NULL,
  runs           integer NOT NULL,
  input_hash     text NOT NULL,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (gold_video_id, version)
);

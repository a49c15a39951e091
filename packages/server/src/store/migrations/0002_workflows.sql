-- Workflows: runs, per-item results and the sync state (item links). Never edit once applied.
ALTER TABLE workflows
  ADD COLUMN next_run_at timestamptz,
  ADD COLUMN change_watermark timestamptz,
  ADD COLUMN last_reconciled_at timestamptz,
  ADD COLUMN baseline_taken_at timestamptz,
  ADD COLUMN deleted_at timestamptz;
CREATE INDEX workflows_due ON workflows (next_run_at) WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE workflow_runs (
  id uuid PRIMARY KEY,
  workflow_id uuid NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued',
  trigger text NOT NULL DEFAULT 'manual',
  dry_run boolean NOT NULL DEFAULT false,
  full_reconcile boolean NOT NULL DEFAULT true,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  cancel_requested boolean NOT NULL DEFAULT false,
  lease_owner text,
  heartbeat_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  planned integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  deleted integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  bytes_planned bigint NOT NULL DEFAULT 0,
  error_code text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX workflow_runs_workflow ON workflow_runs (workflow_id, created_at DESC);
-- At most one queued or running run per workflow: the database, not the queue, is the final guard.
CREATE UNIQUE INDEX workflow_runs_one_active ON workflow_runs (workflow_id) WHERE status IN ('queued', 'running');

CREATE TABLE run_items (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  action text NOT NULL,
  kind text NOT NULL,
  outcome text NOT NULL,
  source_id text,
  source_path text,
  target_id text,
  target_path text,
  renamed_from text,
  bytes bigint NOT NULL DEFAULT 0,
  sha256 text,
  error_code text,
  error text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_items_run ON run_items (run_id, id);

CREATE TABLE item_links (
  workflow_id uuid NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  source_id text NOT NULL,
  kind text NOT NULL,
  state text NOT NULL DEFAULT 'linked',
  source_parent_id text,
  source_name text NOT NULL,
  source_version text,
  source_size bigint,
  source_modified_at timestamptz,
  source_identity text,
  target_id text,
  target_parent_id text,
  target_name text,
  size bigint,
  sha256 text,
  last_run_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, source_id)
);
CREATE INDEX item_links_target ON item_links (workflow_id, target_id);

-- Runs across workflows, newest first (GET /api/workflow-runs): an index in that order, and the
-- workflows of one owner for people who see only their own.
CREATE INDEX workflow_runs_created ON workflow_runs (created_at DESC, id DESC);
CREATE INDEX workflows_owner ON workflows (owner_id);

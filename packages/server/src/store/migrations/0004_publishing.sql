-- Publishing: destinations that Connector Admins define, and publish runs. Never edit once applied.
--
-- A publish is a one-off copy done by the workflow engine. What was published where is kept as the
-- engine's item links under a "publish channel": one backing workflow (type 'publish', never listed
-- with workflows) per destination and source connector, so that links are keyed by destination +
-- source item and publishing the same item again updates it rather than copying it twice.
CREATE TABLE publish_destinations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  location jsonb NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE TABLE publish_channels (
  destination_id uuid NOT NULL REFERENCES publish_destinations(id) ON DELETE CASCADE,
  source_connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  workflow_id uuid NOT NULL UNIQUE REFERENCES workflows(id) ON DELETE CASCADE,
  PRIMARY KEY (destination_id, source_connector_id)
);

-- One row per publish: who published which selection where. The run itself (status, counts, items)
-- is a workflow_runs row of the channel's backing workflow.
CREATE TABLE publish_runs (
  run_id uuid PRIMARY KEY REFERENCES workflow_runs(id) ON DELETE CASCADE,
  destination_id uuid NOT NULL REFERENCES publish_destinations(id) ON DELETE CASCADE,
  source_connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  item_ids jsonb NOT NULL,
  customer_id text,
  library text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX publish_runs_user ON publish_runs (user_id, created_at DESC);

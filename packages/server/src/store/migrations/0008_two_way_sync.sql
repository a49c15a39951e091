-- Two-way sync: an item link records the target side as fully as the source side (version, modification
-- time, stable identity), so that a pass in either direction recognises what Lexbridge itself wrote and
-- does not copy it back. Run items say which way they went, and a conflict item carries both versions.
ALTER TABLE item_links ADD COLUMN target_version text;
ALTER TABLE item_links ADD COLUMN target_modified_at timestamptz;
ALTER TABLE item_links ADD COLUMN target_identity text;
ALTER TABLE run_items ADD COLUMN direction text;
ALTER TABLE run_items ADD COLUMN conflict jsonb;

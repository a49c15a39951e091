-- A running run waiting for a system that stopped answering says so (workflows/outage.ts): which
-- system, the plain reason, the technical detail, since when and when it tries again. Null otherwise.
ALTER TABLE workflow_runs ADD COLUMN waiting jsonb;
-- The technical detail of an item's failure (the error column holds the plain words).
ALTER TABLE run_items ADD COLUMN detail text;

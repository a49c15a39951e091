-- iManage documents are now keyed across their versions as LIB!n.latest (a folder LIB!n can never
-- have that id, so a document's link can no longer overwrite a folder's with the same number).
-- Links stored before kept documents as LIB!n (source) and LIB!n or LIB!n.v (target); without this
-- the next full pass would take every iManage document for a new one and its old link for a delete.
UPDATE item_links l
SET source_id = l.source_id || '.latest'
FROM workflows w
JOIN connectors c ON c.id = w.source_connector_id
WHERE l.workflow_id = w.id
  AND l.kind = 'document'
  AND c.type IN ('imanage-onprem', 'imanage-cloud')
  AND l.source_id ~ '^[^![:space:]]+![0-9]+$';

UPDATE item_links l
SET target_id = regexp_replace(l.target_id, '^([^![:space:]]+![0-9]+)(\.[0-9]+)?$', '\1.latest')
FROM workflows w
JOIN connectors c ON c.id = w.target_connector_id
WHERE l.workflow_id = w.id
  AND l.kind = 'document'
  AND c.type IN ('imanage-onprem', 'imanage-cloud')
  AND l.target_id ~ '^[^![:space:]]+![0-9]+(\.[0-9]+)?$';

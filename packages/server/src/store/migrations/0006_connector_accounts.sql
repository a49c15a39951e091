-- Connector plug-ins: the external account of a connection becomes generic (id, name, email, labelled
-- facts, and the plug-in's own details). Until now only iManage connectors had per-user connections;
-- their accounts ({userId, name, email, customerId, dmsVersion, apiBaseUrl, discovered}) move over.
UPDATE connections
SET external_account = jsonb_build_object(
  'id', external_account->>'userId',
  'name', external_account->'name',
  'email', COALESCE(external_account->'email', 'null'::jsonb),
  'facts',
    CASE WHEN external_account->'customerId' IS NULL OR external_account->'customerId' = 'null'::jsonb
      THEN '[]'::jsonb
      ELSE jsonb_build_array(jsonb_build_object('label', 'Customer id', 'value', external_account->>'customerId'))
    END
    ||
    CASE WHEN external_account->'dmsVersion' IS NULL OR external_account->'dmsVersion' = 'null'::jsonb
      THEN '[]'::jsonb
      ELSE jsonb_build_array(jsonb_build_object('label', 'iManage Work version', 'value', external_account->>'dmsVersion'))
    END,
  'details', jsonb_build_object(
    'customerId', COALESCE(external_account->'customerId', 'null'::jsonb),
    'dmsVersion', COALESCE(external_account->'dmsVersion', 'null'::jsonb),
    'apiBaseUrl', external_account->'apiBaseUrl',
    'discovered', COALESCE(external_account->'discovered', 'true'::jsonb)
  )
)
WHERE external_account IS NOT NULL AND external_account ? 'userId' AND NOT external_account ? 'id';

/**
 * Every column that holds sealed secrets, so that key rotation can find them all. A feature that adds
 * an encrypted column adds it here: a value sealed into a column that is not listed is never
 * re-encrypted by `lexbridge keys rotate`, and stops reading once the old key is removed.
 */
export interface SecretColumns {
  table: string;
  /** The primary-key column; its value is the row id in the associated data. */
  idColumn: string;
  columns: string[];
}

export const secretColumns: SecretColumns[] = [
  { table: 'sessions', idColumn: 'id_hash', columns: ['id_token'] },
  { table: 'connectors', idColumn: 'id', columns: ['secret_config'] },
  { table: 'connections', idColumn: 'id', columns: ['access_token', 'refresh_token'] },
  { table: 'oauth_attempts', idColumn: 'id', columns: ['code_verifier'] },
  { table: 'sign_in_attempts', idColumn: 'state_hash', columns: ['code_verifier'] },
  { table: 'notification_settings', idColumn: 'id', columns: ['webhook'] },
];

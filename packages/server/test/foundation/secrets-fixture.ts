import { randomUUID } from 'node:crypto';
import type { SecretBox, SecretSlot } from '../../src/crypto/secret-box.ts';
import { secretColumns } from '../../src/crypto/secret-columns.ts';
import type { SqlRunner } from '../../src/store/migrate.ts';

export interface SeededSecret {
  slot: SecretSlot;
  plaintext: string;
}

/**
 * Writes one sealed value into each kind of secret column the foundation knows (connector secret
 * config, connection tokens, PKCE verifier, session id_token) and returns what was written.
 */
export async function seedSecrets(sql: SqlRunner, box: SecretBox, connectors = 1): Promise<SeededSecret[]> {
  const seeded: SeededSecret[] = [];
  const seal = (table: string, rowId: string, column: string, plaintext: string) => {
    const slot = { table, rowId, column };
    seeded.push({ slot, plaintext });
    return box.seal(plaintext, slot);
  };
  const userId = randomUUID();
  await sql.query(
    `INSERT INTO users (id, issuer, subject, roles) VALUES ($1, 'https://idp.test', $2, '["Admin"]'::jsonb)`,
    [userId, `sub-${userId}`],
  );
  const sessionId = `session-${userId}`;
  await sql.query(
    `INSERT INTO sessions (id_hash, user_id, csrf_token, id_token, idle_expires_at, absolute_expires_at)
     VALUES ($1, $2, 'csrf', $3, now() + interval '1 hour', now() + interval '1 day')`,
    [sessionId, userId, seal('sessions', sessionId, 'id_token', `id-token-${userId}`)],
  );
  for (let i = 0; i < connectors; i++) {
    const connectorId = randomUUID();
    await sql.query(`INSERT INTO connectors (id, type, name, secret_config) VALUES ($1, 'imanage', $2, $3)`, [
      connectorId,
      `connector ${i}`,
      seal(
        'connectors',
        connectorId,
        'secret_config',
        JSON.stringify({ clientSecret: `client-secret-${connectorId}` }),
      ),
    ]);
    const connectionId = randomUUID();
    await sql.query(
      `INSERT INTO connections (id, connector_id, user_id, status, access_token, refresh_token) VALUES ($1, $2, $3, 'authorised', $4, $5)`,
      [
        connectionId,
        connectorId,
        userId,
        seal('connections', connectionId, 'access_token', `access-${connectionId}`),
        seal('connections', connectionId, 'refresh_token', `refresh-${connectionId}`),
      ],
    );
    const attemptId = randomUUID();
    await sql.query(
      `INSERT INTO oauth_attempts (id, state_hash, session_id_hash, user_id, connector_id, code_verifier, redirect_uri, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'http://localhost/cb', now() + interval '10 minutes')`,
      [
        attemptId,
        `state-${attemptId}`,
        sessionId,
        userId,
        connectorId,
        seal('oauth_attempts', attemptId, 'code_verifier', `verifier-${attemptId}`),
      ],
    );
  }
  return seeded;
}

/** Reads a sealed value as stored. */
export async function readSealed(sql: SqlRunner, slot: SecretSlot): Promise<string> {
  const idColumn = secretColumns.find((c) => c.table === slot.table)!.idColumn;
  const rows = await sql.query<{ v: string }>(
    `SELECT ${slot.column} AS v FROM ${slot.table} WHERE ${idColumn}::text = $1`,
    [slot.rowId],
  );
  if (!rows[0]) throw new Error(`no row ${slot.rowId} in ${slot.table}`);
  return rows[0].v;
}

/** Every sealed value in every registered secret column, with the key id that sealed it. */
export async function allSealedValues(
  sql: SqlRunner,
): Promise<{ slot: SecretSlot; sealed: string; keyId: string }[]> {
  const out: { slot: SecretSlot; sealed: string; keyId: string }[] = [];
  for (const { table, idColumn, columns } of secretColumns) {
    for (const column of columns) {
      const rows = await sql.query<{ id: string; v: string }>(
        `SELECT ${idColumn}::text AS id, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`,
      );
      for (const r of rows)
        out.push({ slot: { table, rowId: r.id, column }, sealed: r.v, keyId: r.v.split('.')[1]! });
    }
  }
  return out;
}

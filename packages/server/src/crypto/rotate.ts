import type { SqlRunner } from '../store/migrate.ts';
import type { SecretBox, SecretSlot } from './secret-box.ts';
import { secretColumns } from './secret-columns.ts';

export interface RotationReport {
  reencrypted: number;
  alreadyCurrent: number;
  /** Values another writer changed while rotating; left as that writer wrote them. Run again to catch them. */
  skippedConcurrent: number;
}

/**
 * Re-encrypts every sealed value under the box's primary key, online: each value is rewritten with a
 * compare-and-swap on its old ciphertext, so a concurrent writer (a token refresh, say) is never
 * overwritten with stale data. Runs in batches and can be repeated; a second run finds nothing to do.
 */
export interface RotateOptions {
  batchSize?: number;
  /** Called after a value was read and re-sealed, before it is written back (tests interleave writers here). */
  beforeWrite?: (slot: SecretSlot) => Promise<void>;
}

export async function rotateSecrets(
  sql: SqlRunner,
  box: SecretBox,
  options: RotateOptions = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const report: RotationReport = { reencrypted: 0, alreadyCurrent: 0, skippedConcurrent: 0 };
  const currentPrefix = `lb1.${box.primary.id}.%`;
  for (const { table, idColumn, columns } of secretColumns) {
    for (const column of columns) {
      const counted = await sql.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${table} WHERE ${column} LIKE $1`,
        [currentPrefix],
      );
      report.alreadyCurrent += Number(counted[0]?.n ?? 0);
      let lastId = '';
      for (;;) {
        const rows = await sql.query<{ id: string; value: string }>(
          `SELECT ${idColumn}::text AS id, ${column} AS value FROM ${table}
           WHERE ${column} IS NOT NULL AND ${column} NOT LIKE $1 AND ${idColumn}::text > $2
           ORDER BY ${idColumn}::text LIMIT ${batchSize}`,
          [currentPrefix, lastId],
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          const slot = { table, rowId: row.id, column };
          const resealed = box.seal(box.open(row.value, slot), slot);
          await options.beforeWrite?.(slot);
          const updated = await sql.query(
            `UPDATE ${table} SET ${column} = $1 WHERE ${idColumn}::text = $2 AND ${column} = $3 RETURNING 1 AS ok`,
            [resealed, row.id, row.value],
          );
          if (updated.length === 1) report.reencrypted++;
          else report.skippedConcurrent++;
        }
        lastId = rows[rows.length - 1]!.id;
      }
    }
  }
  return report;
}

import { join } from 'node:path';
import { PGlite } from '../../../server/src/store/pglite.ts';

/**
 * Test-only seeding: runs `sql` on the embedded database of a stopped `lexbridge serve` (its data
 * directory, `<dataDir>/data/pgdata`), for states the product can no longer make, such as a
 * connector stored before a setting existed. The product has no such path: only a test, between a
 * stop and a restart, may edit the database behind the server's back.
 */
export async function editStoppedDatabase(
  dataDir: string,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const db = new PGlite(join(dataDir, 'data', 'pgdata'));
  try {
    const result = await db.query(sql, params);
    return result.affectedRows ?? 0;
  } finally {
    await db.close();
  }
}

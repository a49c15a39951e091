import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Schema migrations: plain SQL files in ./migrations, applied once each in file-name order and recorded
 * in lexbridge_migrations. Hand-written numbered files (rather than a generator's journal) let several
 * features add migrations side by side without fighting over one journal file.
 *
 * Safe when several processes start together: on PostgreSQL the whole run holds an advisory lock, so
 * the second process waits, then finds nothing left to do. PGlite is single-process by construction.
 */
export interface SqlRunner {
  /** Runs one statement with parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(text: string): Promise<void>;
  /** Runs fn inside one transaction on one connection. */
  transaction<T>(fn: (tx: Omit<SqlRunner, 'transaction'>) => Promise<T>): Promise<T>;
  /** Holds a session-level advisory lock while fn runs (a no-op where only one process can connect). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
}

export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_LOCK_KEY = 4_205_117_001;

export interface MigrationFile {
  name: string;
  sql: string;
}

export async function readMigrations(dir = migrationsDir): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}_[a-z0-9_]+\.sql$/.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}${name}`, 'utf8') })));
}

/** Applies every pending migration; returns the names applied by this call. */
export async function migrate(runner: SqlRunner, dir = migrationsDir): Promise<string[]> {
  const files = await readMigrations(dir);
  return runner.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    await runner.exec(
      'CREATE TABLE IF NOT EXISTS lexbridge_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await runner.query<{ name: string }>('SELECT name FROM lexbridge_migrations')).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file.name)) continue;
      await runner.transaction(async (tx) => {
        await tx.exec(file.sql);
        await tx.query('INSERT INTO lexbridge_migrations (name) VALUES ($1)', [file.name]);
      });
      applied.push(file.name);
    }
    return applied;
  });
}

import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { openEmbeddedDatabase, takeEarlyOpening } from './embedded-opening.ts';
import { migrate, type SqlRunner } from './migrate.ts';
import { drizzleOverPglite, type PGlite } from './pglite.ts';
import { keepPrivate } from './private-dir.ts';
import * as schema from './schema.ts';

/** The drizzle database, the same type on both back ends. */
export type Db = NodePgDatabase<typeof schema>;
/** A drizzle transaction, as handed to `db.transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or a transaction: repositories accept both. */
export type DbOrTx = Db | Tx;

export interface Store {
  kind: 'embedded' | 'postgres';
  db: Db;
  sql: SqlRunner;
  /** The embedded database's directory; absent in memory and on PostgreSQL. */
  dataDir?: string;
  /** The embedded instance (PGlite), for the job queue. */
  pglite?: PGlite;
  /** The pool (PostgreSQL), for the job queue. */
  connectionString?: string;
  /** Migrations applied by this open. */
  applied: string[];
  /** Files of the data directory that could not be made private to this account (embedded only). */
  notPrivate?: string[];
  ping(): Promise<void>;
  close(): Promise<void>;
}

export { embeddedSettings } from './embedded-opening.ts';

export interface OpenStoreOptions {
  /** postgres:// URL; absent means the embedded database. */
  databaseUrl?: string;
  /** Data directory of the embedded database; absent (with no databaseUrl) means in memory, for tests. */
  dataDir?: string;
  poolSize?: number;
  /** Written into the lock file so admin commands can find the running server. */
  port?: number;
  /** Run migrations while opening (default true). */
  migrate?: boolean;
  /**
   * An embedded database to start from when there is none yet, as written by `PGlite.dumpDataDir`;
   * by default the prepared template (store/template.ts) when one exists. `false` starts from nothing.
   */
  template?: Blob | false;
}

/** Opens the database, taking the data-directory lock on the embedded back end, and migrates it. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openEmbedded(options);
  // The permission check's file-system calls run in libuv's thread pool while the migrations are
  // checked: side by side rather than one after the other.
  const privacy = store.dataDir ? keepPrivate(store.dataDir, ['pgdata']) : undefined;
  privacy?.catch(() => undefined);
  try {
    if (options.migrate !== false) store.applied = await migrate(store.sql);
    if (privacy) store.notPrivate = await privacy;
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

async function openEmbedded(options: OpenStoreOptions): Promise<Store> {
  const { pglite, lock } = await (takeEarlyOpening(options.dataDir) ?? openEmbeddedDatabase(options));
  const sql: SqlRunner = {
    async query(text, params) {
      return (await pglite.query(text, params)).rows as never;
    },
    async exec(text) {
      await pglite.exec(text);
    },
    transaction(fn) {
      return pglite.transaction((tx) =>
        fn({
          query: async (text, params) => (await tx.query(text, params)).rows as never,
          exec: async (text) => {
            await tx.exec(text);
          },
          withAdvisoryLock: (_key, inner) => inner(),
        }),
      );
    },
    withAdvisoryLock: (_key, fn) => fn(),
  };
  return {
    kind: 'embedded',
    dataDir: options.dataDir,
    db: drizzleOverPglite(pglite, { schema }) as unknown as Db,
    sql,
    pglite,
    applied: [],
    async ping() {
      await pglite.query('SELECT 1');
    },
    async close() {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

async function openPostgres(connectionString: string, poolSize: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'lexbridge' });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end();
    throw new AppError(
      'database_unavailable',
      `PostgreSQL at ${redactUrl(connectionString)} is not reachable: ${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      undefined,
      { cause: err },
    );
  }
  const runner = (client: pg.PoolClient | pg.Pool) => ({
    async query<T>(text: string, params?: unknown[]) {
      return (await client.query(text, params)).rows as T[];
    },
    async exec(text: string) {
      await client.query(text);
    },
  });
  const sql: SqlRunner = {
    ...runner(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ ...runner(client), withAdvisoryLock: (_k, inner) => inner() });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
  };
  return {
    kind: 'postgres',
    db: drizzlePg(pool, { schema }),
    sql,
    connectionString,
    applied: [],
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

/** A connection string without its password, for messages. */
export function redactUrl(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured database';
  }
}

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedSettings, openStore, type Store } from '../../src/store/db.ts';
import { users } from '../../src/store/schema.ts';

// The embedded database runs with settings sized for one Lexbridge process (store/db.ts), on a data
// directory and in memory alike, and drizzle (its PGlite driver loaded as CommonJS) reads and writes the
// schema's tables, relational queries and transactions included.
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function settingsOf(store: Store): Promise<Record<string, string>> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(embeddedSettings)) {
    const [row] = await store.sql.query<Record<string, string>>(`SHOW ${name}`);
    shown[name] = Object.values(row ?? {})[0] ?? '';
  }
  return shown;
}

describe('the embedded database', () => {
  it('runs with its own memory and WAL settings, not PostgreSQL’s server defaults', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-settings-'));
    dirs.push(dataDir);
    for (const options of [{ dataDir }, {}]) {
      const store = await openStore(options);
      try {
        expect(await settingsOf(store)).toEqual(embeddedSettings);
        const [buffers] = await store.sql.query<{ wal_buffers: string }>('SHOW wal_buffers');
        expect(buffers?.wal_buffers).toBe('512kB'); // follows shared_buffers (1/32)
      } finally {
        await store.close();
      }
    }
  });

  it('drizzle reads and writes through it: inserts, relational queries, transactions and rollbacks', async () => {
    const store = await openStore({});
    try {
      const id = randomUUID();
      const user = { id, issuer: 'https://idp', subject: id, name: 'Ada', email: 'a@x', roles: ['User'] };
      await store.db.insert(users).values(user);
      expect(await store.db.query.users.findFirst({ where: eq(users.id, id) })).toMatchObject({
        name: 'Ada',
      });
      await store.db
        .transaction(async (tx) => {
          await tx.update(users).set({ name: 'Grace' }).where(eq(users.id, id));
          throw new Error('roll back');
        })
        .catch(() => {});
      const [row] = await store.db.select({ name: users.name, n: sql<number>`1::int` }).from(users);
      expect(row).toEqual({ name: 'Ada', n: 1 });
    } finally {
      await store.close();
    }
  });
});

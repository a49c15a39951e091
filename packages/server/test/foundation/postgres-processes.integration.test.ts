import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseKeyList } from '../../src/crypto/keys.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { readMigrations } from '../../src/store/migrate.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  startTestServer,
  type TestLexbridge,
  testEncryptionKeys,
} from '../support/lexbridge.ts';
import { waitFor } from './capture.ts';
import { killAll, type LexbridgeProcess, runLexbridge, spawnLexbridge } from './processes.ts';
import { readSealed, seedSecrets } from './secrets-fixture.ts';

async function countRows(url: string, query: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(query)).rows[0].n);
  } finally {
    await client.end();
  }
}

describeWithPostgres('migrations on PostgreSQL', () => {
  const databases: { url: string; drop(): Promise<void> }[] = [];
  afterAll(async () => {
    await killAll();
    for (const d of databases) await d.drop();
  });

  it('run once when several processes open a fresh database at the same time', async () => {
    const db = await createPostgresDatabase();
    databases.push(db);
    const stores: Store[] = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ databaseUrl: db.url, poolSize: 2 })),
    );
    try {
      const names = (await readMigrations()).map((m) => m.name);
      // Exactly one of them applied each migration; the others found nothing left to do.
      expect(stores.flatMap((s) => s.applied).sort()).toEqual([...names].sort());
      expect(await countRows(db.url, 'SELECT count(*) AS n FROM lexbridge_migrations')).toBe(names.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('`lexbridge migrate` in three processes at once applies everything, including the queue schema', async () => {
    const db = await createPostgresDatabase();
    databases.push(db);
    const env = { DATABASE_URL: db.url, LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys() };
    const runs = await Promise.all([1, 2, 3].map(() => runLexbridge(['migrate'], env)));
    for (const r of runs)
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 0,
        stderr: expect.not.stringContaining('lexbridge:'),
      });
    expect(runs.filter((r) => r.stdout.startsWith('Applied:')).length).toBe(1);
    expect(runs.filter((r) => r.stdout.includes('The database is up to date.')).length).toBe(2);
    const names = (await readMigrations()).map((m) => m.name);
    expect(await countRows(db.url, 'SELECT count(*) AS n FROM lexbridge_migrations')).toBe(names.length);
    expect(
      await countRows(
        db.url,
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'pgboss' AND table_name = 'job'",
      ),
    ).toBe(1);
    const again = await runLexbridge(['migrate'], env);
    expect(again.stdout).toContain('The database is up to date.');
  });
});

describeWithPostgres('a web process and two worker processes on one PostgreSQL database', () => {
  let db: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let web: LexbridgeProcess;
  let workers: LexbridgeProcess[];
  let client: TestLexbridge;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    env = {
      DATABASE_URL: db.url,
      LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
      PORT: '0',
      LEXBRIDGE_WORKER_CONCURRENCY: '2',
    };
    // All three start together against the fresh database: migrations must cope.
    web = spawnLexbridge(['serve', '--no-workers'], env);
    workers = [spawnLexbridge(['worker'], env), spawnLexbridge(['worker'], env)];
    await web.waitForLog('Lexbridge is listening');
    await Promise.all(workers.map((w) => w.waitForLog('Lexbridge worker is processing jobs')));
    client = await createTestLexbridge({
      databaseUrl: db.url,
      env: { LEXBRIDGE_ENCRYPTION_KEYS: env.LEXBRIDGE_ENCRYPTION_KEYS! },
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await killAll();
    await db?.drop();
  });

  it('the web process is ready', async () => {
    const url = String((await web.waitForLog('Lexbridge is listening')).url);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('the workers share the queue: 40 jobs, each run exactly once, by both workers and not by the web process', async () => {
    const batch = randomUUID();
    const markers = Array.from({ length: 40 }, (_, i) => `${batch}-${i}`);
    for (const marker of markers) await client.queue.send('diagnostics.echo', { marker, delayMs: 100 });
    const rows = await waitFor(
      'all 40 jobs to run',
      async () => {
        const r = await client.store.sql.query<{ target_id: string; pid: number }>(
          `SELECT target_id, (details->>'pid')::int AS pid FROM audit_events WHERE action = 'diagnostics.echo' AND target_id LIKE $1`,
          [`${batch}-%`],
        );
        return r.length >= markers.length ? r : undefined;
      },
      60_000,
      250,
    );
    expect(rows.map((r) => r.target_id).sort()).toEqual([...markers].sort());
    const byPid = new Map<number, number>();
    for (const r of rows) byPid.set(r.pid, (byPid.get(r.pid) ?? 0) + 1);
    expect([...byPid.keys()].sort()).toEqual(workers.map((w) => w.pid).sort());
    expect(byPid.has(web.pid)).toBe(false);
  });

  it('`lexbridge keys rotate` re-encrypts every secret while the processes run, with the new key listed first', async () => {
    const oldKeys = env.LEXBRIDGE_ENCRYPTION_KEYS!;
    const seeded = await seedSecrets(client.store.sql, client.secrets, 5);
    const newKey = testEncryptionKeys().replace(/^test1:/, 'next:');
    const rotate = await runLexbridge(['keys', 'rotate'], {
      ...env,
      LEXBRIDGE_ENCRYPTION_KEYS: `${newKey},${oldKeys}`,
    });
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain(
      `re-encrypted under key next: ${seeded.length} rewritten, 0 already current.`,
    );
    const newOnly = new SecretBox(parseKeyList(newKey));
    for (const { slot, plaintext } of seeded)
      expect(newOnly.open(await readSealed(client.store.sql, slot), slot)).toBe(plaintext);
    expect(
      (await fetch(`${String((await web.waitForLog('Lexbridge is listening')).url)}/readyz`)).status,
    ).toBe(200);
  });

  it('all three stop gracefully on SIGTERM', async () => {
    const codes = await Promise.all([web, ...workers].map((p) => p.stop()));
    expect(codes).toEqual([0, 0, 0]);
  });
});

describeWithPostgres('readiness on PostgreSQL', () => {
  it('GET /readyz answers 503 JSON while the database refuses connections, and 200 again after', async () => {
    const db = await createPostgresDatabase();
    const server = await startTestServer({ databaseUrl: db.url });
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      const down = await fetch(`${server.url}/readyz`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; database: { ok: boolean; error?: string } };
      expect(body.status).toBe('not_ready');
      expect(body.database.ok).toBe(false);
      expect(body.database.error).toEqual(expect.any(String));
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await waitFor('readiness to come back', async () =>
        (await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined,
      );
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
      await server.close().catch(() => {});
      await db.drop();
    }
  });
});

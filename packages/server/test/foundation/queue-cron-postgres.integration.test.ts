import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
  testEncryptionKeys,
} from '../support/lexbridge.ts';
import { waitFor } from './capture.ts';
import { killAll, type LexbridgeProcess, spawnLexbridge } from './processes.ts';

/**
 * Each process runs pg-boss as a queue instance and a maintainer started after it (jobs/boss.ts). With
 * a `serve` and a `worker` on one database, both run a maintainer, and a cron schedule still sends
 * each occurrence once.
 */
describeWithPostgres('cron and maintenance with a web and a worker process on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let processes: LexbridgeProcess[];
  let client: TestLexbridge;
  const marker = randomUUID();

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = { DATABASE_URL: db.url, LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(), PORT: '0' };
    // The client migrates the fresh database and registers the schedule before the processes start.
    client = await createTestLexbridge({
      databaseUrl: db.url,
      env: { LEXBRIDGE_ENCRYPTION_KEYS: env.LEXBRIDGE_ENCRYPTION_KEYS },
    });
    await client.queue.boss.schedule('diagnostics.echo', '* * * * *', { marker }, { tz: 'UTC', key: marker });
    processes = [spawnLexbridge(['serve'], env), spawnLexbridge(['worker'], env)];
    await processes[0]!.waitForLog('Lexbridge is listening');
    await processes[1]!.waitForLog('Lexbridge worker is processing jobs');
  }, 60_000);

  afterAll(async () => {
    await client?.dispose();
    await killAll();
    await db?.drop();
  });

  const query = async <T>(text: string, params: unknown[] = []) => client.store.sql.query<T>(text, params);

  it('each process runs a queue instance and a maintainer (supervise and cron)', async () => {
    const instances = () =>
      query<{ pid: number; supervise: boolean; schedule: boolean }>(
        'SELECT pid, supervise, schedule FROM pgboss.instance WHERE pid = ANY($1::int[]) ORDER BY pid, supervise',
        [processes.map((p) => p.pid)],
      );
    // serve starts its maintainer just after it listens.
    const rows = await waitFor('four instances', async () => {
      const found = await instances();
      return found.length >= 4 ? found : undefined;
    });
    const expected = processes
      .map((p) => p.pid)
      .sort((a, b) => a - b)
      .flatMap((pid) => [
        { pid, supervise: false, schedule: false },
        { pid, supervise: true, schedule: true },
      ]);
    expect(rows).toEqual(expected);
  });

  it('a cron schedule fires, and a later cron pass does not send the same occurrence again', async () => {
    const ran = () =>
      query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'diagnostics.echo' AND target_id = $1",
        [marker],
      );
    await waitFor(
      'the scheduled job to run',
      async () => ((await ran())[0]!.n > 0 ? true : undefined),
      30_000,
    );
    // Wait for the next cron pass (by either process: they take turns through a claim in the database).
    const [{ cron_on: first } = { cron_on: null }] = await query<{ cron_on: Date | null }>(
      'SELECT cron_on FROM pgboss.version',
    );
    await waitFor(
      'another cron pass',
      async () => {
        const [row] = await query<{ cron_on: Date | null }>('SELECT cron_on FROM pgboss.version');
        return row?.cron_on && first && row.cron_on.getTime() > first.getTime() ? true : undefined;
      },
      45_000,
      500,
    );
    // One send-it job per occurrence slot, one job per send-it job, however many passes saw it.
    // Once every send-it job has forwarded its occurrence (its worker polls every 5 s).
    const slots = await waitFor('the send-it jobs to complete', async () => {
      const rows = await query<{ slot: string; n: number; pending: number }>(
        `SELECT data->>'slot' AS slot, count(*)::int AS n, count(*) FILTER (WHERE state <> 'completed')::int AS pending
           FROM pgboss.job WHERE name = '__pgboss__send-it' AND data->>'key' = $1 GROUP BY 1`,
        [marker],
      );
      return rows.every((r) => r.pending === 0) ? rows : undefined;
    });
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.n === 1)).toBe(true);
    const sent = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'diagnostics.echo' AND data->>'marker' = $1",
      [marker],
    );
    expect(sent[0]!.n).toBe(slots.length);
  }, 90_000);
});

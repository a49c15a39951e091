import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { registry } from '../../src/metrics/registry.ts';
import { waitFor } from '../foundation/capture.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
} from '../support/lexbridge.ts';

// Queue job latency per queue (how long a due job waited for a worker, and how long it ran, by
// outcome), and on PostgreSQL the pools each process opens, as configured.
const opened: { lexbridge: TestLexbridge; drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const { lexbridge, drop } of opened) {
    await lexbridge.dispose();
    await drop();
  }
});

async function series(name: string): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

const echoRan = (lexbridge: TestLexbridge, marker: string) => async () => {
  const rows = await lexbridge.store.sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1',
    [marker],
  );
  return rows[0]!.n > 0 || undefined;
};

it('counts how long each job waited for a worker and how long it ran, per queue and outcome', {
  timeout: 60_000,
}, async () => {
  const lexbridge = await createTestLexbridge();
  opened.push({ lexbridge, drop: async () => {} });
  const waited = 'lexbridge_queue_job_wait_seconds_count{queue="diagnostics.echo"}';
  const failed = 'lexbridge_queue_job_duration_seconds_count{queue="diagnostics.echo",outcome="failed"}';
  const completed =
    'lexbridge_queue_job_duration_seconds_count{queue="diagnostics.echo",outcome="completed"}';
  const before = { waited: await series(waited), failed: await series(failed), ok: await series(completed) };
  await lexbridge.queue.startWorkers(lexbridge);
  const marker = `metrics-${randomUUID()}`;
  await lexbridge.queue.send('diagnostics.echo', { marker, failTimes: 1 });
  await waitFor('the echo job to succeed on its second attempt', echoRan(lexbridge, marker), 45_000);
  await waitFor('its duration to be counted', async () => (await series(completed)) > before.ok || undefined);
  expect(await series(waited)).toBe(before.waited + 2); // the first attempt and the retry
  expect(await series(failed)).toBe(before.failed + 1);
  expect(await series(completed)).toBe(before.ok + 1);
  const text = await registry.metrics();
  expect(text).toContain('lexbridge_queue_job_wait_seconds_bucket{le="0.1",queue="diagnostics.echo"}');
  expect(text).not.toContain(marker);
});

describeWithPostgres('pool sizes on PostgreSQL', () => {
  it('a process opens at most DATABASE_POOL_SIZE connections and LEXBRIDGE_QUEUE_POOL_SIZE + 1 for its queue', {
    timeout: 60_000,
  }, async () => {
    const database = await createPostgresDatabase();
    const lexbridge = await createTestLexbridge({
      databaseUrl: database.url,
      env: { DATABASE_POOL_SIZE: '3', LEXBRIDGE_QUEUE_POOL_SIZE: '2', LEXBRIDGE_WORKER_CONCURRENCY: '8' },
    });
    opened.push({ lexbridge, drop: database.drop });
    await lexbridge.queue.startWorkers(lexbridge);
    const markers = Array.from({ length: 12 }, () => `pool-${randomUUID()}`);
    await Promise.all(
      markers.map((marker) => lexbridge.queue.send('diagnostics.echo', { marker, delayMs: 200 })),
    );
    // While the jobs run, read the connections this database has, by pool.
    const peak = { lexbridge: 0, queue: 0 };
    await waitFor(
      'every job to run',
      async () => {
        const rows = await lexbridge.store.sql.query<{ name: string; n: number }>(
          `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() GROUP BY application_name`,
        );
        for (const row of rows) {
          if (row.name === 'lexbridge') peak.lexbridge = Math.max(peak.lexbridge, row.n);
          if (row.name === 'lexbridge-queue') peak.queue = Math.max(peak.queue, row.n);
        }
        for (const marker of markers) if (!(await echoRan(lexbridge, marker)())) return undefined;
        return true;
      },
      45_000,
    );
    expect(peak.lexbridge).toBeGreaterThan(0);
    expect(peak.lexbridge).toBeLessThanOrEqual(3);
    expect(peak.queue).toBeGreaterThan(0);
    expect(peak.queue).toBeLessThanOrEqual(3); // its pool of 2, and the connection that listens
  });
});

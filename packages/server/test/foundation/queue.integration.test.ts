import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/record.ts';
import type { EchoJobData } from '../../src/jobs/diagnostics.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
} from '../support/lexbridge.ts';
import { captureLog, waitFor } from './capture.ts';

const ECHO = 'diagnostics.echo';

/** The same behaviour on both back ends. */
function queueSuite(openDatabase: () => Promise<{ url?: string; drop(): Promise<void> }>) {
  let database: { url?: string; drop(): Promise<void> };
  let lexbridge: TestLexbridge;
  const captured = captureLog('info');

  const jobsWith = (marker: string) => lexbridge.queue.boss.findJobs<EchoJobData>(ECHO, { data: { marker } });
  const auditCount = async (marker: string) => {
    const rows = await lexbridge.store.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1`,
      [marker],
    );
    return rows[0]!.n;
  };

  beforeAll(async () => {
    database = await openDatabase();
    lexbridge = await createTestLexbridge({ databaseUrl: database.url, log: captured.log });
  });

  afterAll(async () => {
    await lexbridge?.dispose();
    await database?.drop();
  });

  it('a rolled-back transaction leaves neither its write nor its job', async () => {
    const marker = `rollback-${randomUUID()}`;
    await expect(
      lexbridge.store.db.transaction(async (tx) => {
        await recordAudit(tx, { action: 'test.write', targetId: marker });
        await lexbridge.queue.send(ECHO, { marker }, { tx });
        // The job is visible inside the transaction…
        const inside = await tx.execute(
          sql`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'marker' = ${marker}`,
        );
        expect((inside as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // …and gone with it.
    expect(await jobsWith(marker)).toEqual([]);
    expect(await auditCount(marker)).toBe(0);
  });

  it('a committed transaction has both its write and its job', async () => {
    const marker = `commit-${randomUUID()}`;
    const id = await lexbridge.store.db.transaction(async (tx) => {
      await recordAudit(tx, { action: 'test.write', targetId: marker });
      return lexbridge.queue.send(ECHO, { marker }, { tx });
    });
    const jobs = await jobsWith(marker);
    expect(jobs.map((j) => j.id)).toEqual([id]);
    expect(jobs[0]!.state).toBe('created');
    expect(await auditCount(marker)).toBe(1);
  });

  it('refuses to enqueue a job type nobody defined', async () => {
    await expect(lexbridge.queue.send('no.such.job', {})).rejects.toThrow(/not defined/);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const marker = `retry-${randomUUID()}`;
    const id = (await lexbridge.queue.send(ECHO, { marker, failTimes: 2 }))!;
    await lexbridge.queue.startWorkers(lexbridge);
    // After the first failure the job waits for its retry, scheduled after the failure.
    const waiting = await waitFor('the first retry to be scheduled', async () => {
      const job = await lexbridge.queue.boss.getJobById<EchoJobData>(ECHO, id);
      return job && job.retryCount >= 1 ? job : undefined;
    });
    expect(waiting.retryBackoff).toBe(true);
    expect(waiting.retryLimit).toBe(5);
    const done = await waitFor(
      'the job to succeed on its third attempt',
      async () => {
        const job = await lexbridge.queue.boss.getJobById<EchoJobData>(ECHO, id);
        return job?.state === 'completed' ? job : undefined;
      },
      60_000,
      200,
    );
    expect(done.retryCount).toBe(2);
    expect(await auditCount(marker)).toBe(1);
    const [audit] = await lexbridge.store.sql.query<{ details: { attempt: number } }>(
      'SELECT details FROM audit_events WHERE target_id = $1',
      [marker],
    );
    expect(audit!.details.attempt).toBe(3);
    const failures = captured.lines().filter((l) => l.jobId === id && String(l.msg).startsWith('job failed'));
    expect(failures.map((l) => l.attempt)).toEqual([1, 2]);
  });

  it('marks a job failed after its retry limit', async () => {
    const marker = `exhausted-${randomUUID()}`;
    const id = (await lexbridge.queue.send(
      ECHO,
      { marker, failTimes: 5 },
      { retryLimit: 1, retryDelay: 0, retryBackoff: false },
    ))!;
    const failed = await waitFor('the job to fail for good', async () => {
      const job = await lexbridge.queue.boss.getJobById(ECHO, id);
      return job?.state === 'failed' ? job : undefined;
    });
    expect(failed.retryCount).toBe(1);
    expect(await auditCount(marker)).toBe(0);
  });
}

describe('job queue on the embedded database', () => {
  queueSuite(async () => ({ drop: async () => {} }));
});

describeWithPostgres('job queue on PostgreSQL', () => {
  queueSuite(createPostgresDatabase);
});

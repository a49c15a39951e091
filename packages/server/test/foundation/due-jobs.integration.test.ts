import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueQueues, wakeDueWorkers } from '../../src/jobs/due-jobs.ts';
import { createTestLexbridge, type TestLexbridge } from '../support/lexbridge.ts';

/**
 * The backstop beside LISTEN/NOTIFY (jobs/due-jobs.ts): one query finds the queues with a job due,
 * and only their workers are woken. Without it a retry would wait for a worker's own slow poll.
 */
let lexbridge: TestLexbridge;
beforeAll(async () => {
  lexbridge = await createTestLexbridge();
});
afterAll(async () => {
  await lexbridge?.dispose();
});

describe('the check for due jobs', () => {
  it('names the queues with a job due now, not those whose jobs start later or already ran', async () => {
    const { boss } = lexbridge.queue;
    const names = ['diagnostics.echo', 'maintenance.purge-expired', 'workflows.schedule'];
    expect(await dueQueues(boss, names)).toEqual(new Set());
    await lexbridge.queue.send('diagnostics.echo', { marker: randomUUID() });
    await lexbridge.queue.send('maintenance.purge-expired', {}, { startAfter: 3600 });
    expect(await dueQueues(boss, names)).toEqual(new Set(['diagnostics.echo']));
    // A retry waiting out its backoff is not due; once its start has passed it is.
    const [job] = await boss.fetch('diagnostics.echo');
    await boss.fail('diagnostics.echo', job!.id);
    await lexbridge.store.sql.query(
      "UPDATE pgboss.job SET start_after = now() + interval '1 hour' WHERE id = $1",
      [job!.id],
    );
    expect(await dueQueues(boss, names)).toEqual(new Set());
    await lexbridge.store.sql.query(
      "UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE id = $1",
      [job!.id],
    );
    expect((await boss.getJobById('diagnostics.echo', job!.id))?.state).toBe('retry');
    expect(await dueQueues(boss, names)).toEqual(new Set(['diagnostics.echo']));
    expect(await dueQueues(boss, ['workflows.schedule'])).toEqual(new Set());
  });

  it('wakes every worker of a queue with a due job, and no other', async () => {
    const woken: string[] = [];
    const boss = {
      getDb: () => ({ executeSql: async () => ({ rows: [{ name: 'a' }] }) }),
      getWipData: () => [
        { id: 'a1', name: 'a' },
        { id: 'a2', name: 'a' },
        { id: 'b1', name: 'b' },
      ],
      notifyWorker: (id: string) => woken.push(id),
    } as unknown as PgBoss;
    await wakeDueWorkers(boss, ['a', 'b']);
    expect(woken).toEqual(['a1', 'a2']);
  });
});

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from '../../src/context.ts';
import { jobs } from '../../src/jobs/index.ts';
import { openQueue } from '../../src/jobs/queue.ts';
import { serve } from '../../src/server.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
} from '../support/lexbridge.ts';
import { captureLog, waitFor } from './capture.ts';

/**
 * pg-boss runs as two instances per process (jobs/boss.ts): the queue, started before the server
 * listens, and the maintainer (supervisor and cron), started after. These tests fail if the split
 * breaks: maintenance not running, cron not firing, or the maintainer starting before /readyz answers.
 */
const ECHO = 'diagnostics.echo';
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function testLexbridge(databaseUrl?: string): Promise<TestLexbridge> {
  const lexbridge = await createTestLexbridge({ databaseUrl });
  opened.push({ close: () => lexbridge.dispose() });
  return lexbridge;
}

/** A second queue on the same database whose maintainer makes a pass every second. */
async function fastMaintainedQueue(lexbridge: TestLexbridge): Promise<Queue> {
  const queue = await openQueue(lexbridge.store, captureLog('warn').log, {
    jobs,
    maintainerOptions: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 },
  });
  opened.push({ close: () => queue.stop() });
  return queue;
}

function maintenanceSuite(openDatabase: () => Promise<{ url?: string; drop(): Promise<void> }>) {
  let database: { url?: string; drop(): Promise<void> };
  const databaseUrl = () => database.url;
  beforeAll(async () => {
    database = await openDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('expires a job past its time only once maintenance has started', async () => {
    const lexbridge = await testLexbridge(databaseUrl());
    const queue = await fastMaintainedQueue(lexbridge);
    const id = (await queue.send(ECHO, { marker: randomUUID() }, { expireInSeconds: 1, retryLimit: 0 }))!;
    // Claimed by a worker that then goes silent: only maintenance ends it.
    const [claimed] = await queue.boss.fetch(ECHO);
    expect(claimed?.id).toBe(id);
    await sleep(3000);
    expect((await queue.boss.getJobById(ECHO, id))?.state).toBe('active');

    await queue.startMaintenance();
    const failed = await waitFor('maintenance to expire the job', async () => {
      const job = await queue.boss.getJobById(ECHO, id);
      return job?.state === 'failed' ? job : undefined;
    });
    expect(failed.retryCount).toBe(0);
  }, 40_000);

  it('fires a cron schedule once its maintainer runs', async () => {
    const lexbridge = await testLexbridge(databaseUrl());
    const queue = await fastMaintainedQueue(lexbridge);
    const marker = randomUUID();
    await queue.boss.schedule(ECHO, '* * * * *', { marker }, { tz: 'UTC', key: marker });
    await queue.startMaintenance();
    // The cron pass at the maintainer's start sends this minute's occurrence.
    const [job] = await waitFor('the scheduled job to be sent', async () => {
      const found = await queue.boss.findJobs(ECHO, { data: { marker } });
      return found.length ? found : undefined;
    });
    expect(job!.data).toEqual({ marker });
  }, 40_000);
}

describe('queue maintenance on the embedded database', () => {
  maintenanceSuite(async () => ({ drop: async () => {} }));

  const maintainers = async (lexbridge: TestLexbridge) =>
    (
      await lexbridge.store.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pgboss.instance WHERE supervise AND pid = $1',
        [process.pid],
      )
    )[0]!.n;
  const readyz = async (lexbridge: TestLexbridge) => {
    // serve chose the port before listening and named it in the public URL.
    const port = new URL(lexbridge.config.publicUrl).port;
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return res?.status ?? 'not listening';
  };

  it('serve starts the workers and schedules before it listens, the maintainer after', async () => {
    const lexbridge = await testLexbridge();
    const order: string[] = [];
    for (const step of ['startWorkers', 'scheduleJobs', 'startMaintenance'] as const) {
      const original = lexbridge.queue[step].bind(lexbridge.queue) as (arg?: unknown) => Promise<void>;
      lexbridge.queue[step] = (async (arg?: unknown) => {
        order.push(`${step}: /readyz ${await readyz(lexbridge)}`);
        return original(arg);
      }) as never;
    }
    const server = await serve(lexbridge, { port: 0, host: '127.0.0.1', workers: true });
    opened.push(server);
    await server.maintenanceStarted;
    expect(order).toEqual([
      'startWorkers: /readyz not listening',
      'scheduleJobs: /readyz not listening',
      'startMaintenance: /readyz 200',
    ]);
    expect(await maintainers(lexbridge)).toBe(1);
    const schedules = await lexbridge.queue.boss.getSchedules();
    expect(schedules.map((s) => s.name)).toContain('maintenance.purge-expired');
  }, 40_000);

  it('/readyz answers while the maintainer waits to start, and closing cancels that start', async () => {
    const lexbridge = await testLexbridge();
    const server = await serve(lexbridge, { port: 0, host: '127.0.0.1', maintenanceDelayMs: 600_000 });
    expect(await readyz(lexbridge)).toBe(200);
    expect(await maintainers(lexbridge)).toBe(0);
    await server.close();
    await server.maintenanceStarted;
    expect(await maintainers(lexbridge)).toBe(0);
  }, 40_000);
});

describeWithPostgres('queue maintenance on PostgreSQL', () => {
  maintenanceSuite(createPostgresDatabase);
});

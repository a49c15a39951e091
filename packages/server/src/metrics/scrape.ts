import { sql } from 'drizzle-orm';
import { Gauge, Registry } from 'prom-client';
import type { Lexbridge } from '../context.ts';
import { connections } from '../store/schema.ts';
import { runWatcher } from '../workflows/run-watch.ts';
import { registry } from './registry.ts';

/** Refresh tokens that run out within this many days are counted as expiring soon. */
const expiringWithinDays = 7;

/**
 * The metrics text for one scrape: the process's counters, plus gauges read now from the queue, the
 * database and the live-progress streams. The gauges are made afresh in a registry of their own for
 * each scrape, so two scrapes (or two Lexbridge instances in one test process) never share them.
 */
export async function scrapeMetrics(lexbridge: Lexbridge): Promise<{ contentType: string; body: string }> {
  const live = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name, help, labelNames, registers: [live] });

  const jobs = gauge('lexbridge_queue_jobs', 'Jobs in each queue by state, read at scrape time.', [
    'queue',
    'state',
  ] as const);
  for (const q of await lexbridge.queue.boss.getQueues()) {
    jobs.set({ queue: q.name, state: 'ready' }, q.readyCount);
    jobs.set({ queue: q.name, state: 'deferred' }, q.deferredCount);
    jobs.set({ queue: q.name, state: 'active' }, q.activeCount);
    jobs.set({ queue: q.name, state: 'failed' }, q.failedCount);
  }

  const byStatus = gauge('lexbridge_connections', "People's connections to connectors, by status.", [
    'status',
  ] as const);
  const expiring = gauge(
    'lexbridge_connections_expiring_soon',
    `Authorised connections whose refresh token runs out within ${expiringWithinDays} days (the person must re-authorise).`,
    [],
  );
  const rows = await lexbridge.store.db
    .select({
      status: connections.status,
      count: sql<number>`count(*)::int`,
      expiring: sql<number>`count(*) FILTER (WHERE ${connections.refreshTokenExpiresAt} < now() + make_interval(days => ${expiringWithinDays}))::int`,
    })
    .from(connections)
    .groupBy(connections.status);
  for (const status of ['authorised', 'unauthorised', 'expired', 'error']) {
    const row = rows.find((r) => r.status === status);
    byStatus.set({ status }, Number(row?.count ?? 0));
    if (status === 'authorised') expiring.set(Number(row?.expiring ?? 0));
  }

  const streams = runWatcher(lexbridge.store.db).stats();
  gauge(
    'lexbridge_run_stream_subscribers',
    'Open live-progress streams (Server-Sent Events) of runs.',
    [],
  ).set(streams.subscribers);
  gauge('lexbridge_run_streams_watched', 'Runs those streams follow (one database poll each).', []).set(
    streams.runs,
  );

  return { contentType: registry.contentType, body: (await registry.metrics()) + (await live.metrics()) };
}

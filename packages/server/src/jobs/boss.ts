import { type ConstructorOptions, fromPglite, PgBoss } from 'pg-boss';
import type { Logger } from '../log.ts';
import type { Store } from '../store/db.ts';

/**
 * pg-boss instances of a process. Two of them, on one connection pool:
 *
 * - the **queue** (`createQueueBoss`): sends, works and answers questions about jobs. It starts
 *   before the server listens and runs none of pg-boss's timers but its workers' (and, as the one
 *   that migrates, the background migrations).
 * - the **maintainer** (`createMaintainer`): pg-boss's supervisor (expiry, retention, heartbeats,
 *   queue statistics, flows) and its timekeeper (the cron pass and the send-it worker that turns a
 *   schedule's occurrence into its job). It starts after the server listens, so the first `/readyz`
 *   does not wait behind its start-up queries on the embedded database's one connection.
 *
 * Every process starts both (`serve` after it listens, `worker` at once), as every process used to
 * start the one instance doing all of it: cron still runs once across processes (pg-boss claims each
 * cron pass and each maintenance step in the database), and no job runs differently.
 */
const common: ConstructorOptions = { schema: 'pgboss', superviseIntervalSeconds: 30 };

export function createQueueBoss(store: Store, extra: ConstructorOptions = {}, poolSize = 4): PgBoss {
  // LISTEN/NOTIFY: a job sent (even inside a transaction, at its commit) wakes a worker at once instead
  // of at its next poll, so Run now starts in milliseconds. On PostgreSQL it holds one more connection,
  // outside the pool of `max`; PGlite delivers notifications in-process. Polling stays as the backstop.
  const options: ConstructorOptions = {
    ...common,
    useListenNotify: true,
    supervise: false,
    schedule: false,
    ...extra,
  };
  return store.kind === 'embedded'
    ? new PgBoss({ ...options, db: fromPglite(store.pglite!), backend: 'pglite' })
    : new PgBoss({
        ...options,
        connectionString: store.connectionString!,
        max: poolSize,
        application_name: 'lexbridge-queue',
      });
}

/**
 * The maintainer of a started queue instance, on its connections (stop it with `{ close: false }`,
 * before the queue instance). It neither migrates (the queue instance did) nor listens for
 * notifications (its send-it worker polls, as it always did: that queue does not notify).
 */
export function createMaintainer(store: Store, queue: PgBoss, extra: ConstructorOptions = {}): PgBoss {
  return new PgBoss({
    ...common,
    ...extra,
    db: queue.getDb(),
    ...(store.kind === 'embedded' ? { backend: 'pglite' as const } : {}),
    supervise: true,
    schedule: true,
    migrate: false,
    useListenNotify: false,
  });
}

export interface Maintenance {
  /** Starts the maintainer `afterMs` from now, once; resolves when started (or stopped before). */
  start(afterMs?: number): Promise<void>;
  /** Cancels a start still waiting, or stops the maintainer (waiting for a pass in flight). */
  stop(): Promise<void>;
}

export function maintenance(
  store: Store,
  queue: PgBoss,
  log: Logger,
  extra?: ConstructorOptions,
): Maintenance {
  let started: Promise<void> | undefined;
  let maintainer: PgBoss | undefined;
  let stopped = false;
  let wait: { timer: NodeJS.Timeout; end(): void } | undefined;
  return {
    start(afterMs = 0) {
      started ??= (async () => {
        if (afterMs > 0) {
          await new Promise<void>((end) => {
            wait = { timer: setTimeout(end, afterMs), end };
            wait.timer.unref();
          });
        }
        if (stopped) return;
        maintainer = createMaintainer(store, queue, extra);
        maintainer.on('error', (err: Error) => log.error({ err }, 'job queue maintenance error'));
        await maintainer.start();
      })();
      return started;
    },
    async stop() {
      stopped = true;
      if (wait) {
        clearTimeout(wait.timer);
        wait.end();
      }
      await started?.catch(() => undefined);
      await maintainer?.stop({ graceful: true, timeout: 10_000, close: false });
    },
  };
}

/** Creates or upgrades the queue's own tables (schema pgboss) and exits; `lexbridge migrate` runs it. */
export async function migrateQueue(store: Store): Promise<void> {
  const boss = createQueueBoss(store);
  await boss.start();
  await boss.stop({ graceful: false });
}

import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss, type Job, type SendOptions, type WorkOptions } from 'pg-boss';
import type { Logger } from '../log.ts';
import type { Lexbridge } from '../runtime.ts';
import type { DbOrTx, Store } from '../store/db.ts';

/**
 * The job queue: pg-boss on both back ends, in the same database as everything else, so a job can be
 * enqueued inside the transaction of the write that causes it (it exists exactly when the write does).
 * Jobs survive restarts because they are rows; failed jobs retry with exponential backoff.
 */
export interface JobDefinition<T extends object = object> {
  name: string;
  /** How many of this job one process runs at once. */
  concurrency?: number;
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time. */
  retryDelay?: number;
  /** Seconds a job may run before it is failed (and retried). */
  expireInSeconds?: number;
  handler(job: Job<T>, context: { lexbridge: Lexbridge; log: Logger; signal: AbortSignal }): Promise<unknown>;
}

const definitions = new Map<string, JobDefinition<never>>();

/** Registers a job type. Feature modules call this at import time. */
export function defineJob<T extends object>(definition: JobDefinition<T>): JobDefinition<T> {
  if (definitions.has(definition.name)) throw new Error(`job ${definition.name} is defined twice`);
  definitions.set(definition.name, definition as JobDefinition<never>);
  return definition;
}

export function jobDefinitions(): JobDefinition[] {
  return [...definitions.values()] as JobDefinition[];
}

export interface Queue {
  boss: PgBoss;
  /** Enqueues a job; pass the transaction to make the job part of it. */
  send<T extends object>(name: string, data: T, options?: SendOptions & { tx?: DbOrTx }): Promise<string | null>;
  /** Starts processing every registered job type in this process. */
  startWorkers(lexbridge: Lexbridge): Promise<void>;
  ready(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function openQueue(store: Store, log: Logger, options: { concurrency?: number } = {}): Promise<Queue> {
  const boss =
    store.kind === 'embedded'
      ? new PgBoss({ db: fromPglite(store.pglite!), schema: 'pgboss' } as ConstructorParameters<typeof PgBoss>[0])
      : new PgBoss({ connectionString: store.connectionString!, schema: 'pgboss', max: 4 });
  boss.on('error', (err: Error) => log.error({ err }, 'job queue error'));
  await boss.start();
  for (const def of definitions.values()) await ensureQueue(boss, def);

  const abort = new AbortController();
  let stopped = false;
  return {
    boss,
    async send(name, data, sendOptions = {}) {
      const { tx, ...rest } = sendOptions;
      const def = definitions.get(name);
      const opts: SendOptions = {
        retryLimit: def?.retryLimit ?? 5,
        retryDelay: def?.retryDelay ?? 5,
        retryBackoff: true,
        ...(def?.expireInSeconds ? { expireInSeconds: def.expireInSeconds } : {}),
        ...rest,
      };
      if (tx) return boss.send(name, data, { ...opts, db: fromDrizzle(tx as never, sql as never) });
      return boss.send(name, data, opts);
    },
    async startWorkers(lexbridge) {
      for (const def of definitions.values()) {
        const workOptions: WorkOptions = {
          batchSize: 1,
          localConcurrency: def.concurrency ?? options.concurrency ?? 2,
          pollingIntervalSeconds: 1,
        } as WorkOptions;
        await boss.work(def.name, workOptions, async (jobs: Job<object>[]) => {
          for (const job of jobs) {
            const jobLog = log.child({ job: def.name, jobId: job.id });
            await def.handler(job as Job<never>, { lexbridge, log: jobLog, signal: abort.signal });
          }
        });
      }
    },
    async ready() {
      try {
        await boss.getQueues();
        return !stopped;
      } catch {
        return false;
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      await boss.stop({ graceful: true, timeout: 5000, wait: true } as never);
    },
  };
}

async function ensureQueue(boss: PgBoss, def: JobDefinition<never>): Promise<void> {
  const existing = await boss.getQueue(def.name);
  if (!existing) {
    await boss.createQueue(def.name, {
      name: def.name,
      retryLimit: def.retryLimit ?? 5,
      retryDelay: def.retryDelay ?? 5,
      retryBackoff: true,
    } as never);
  }
}

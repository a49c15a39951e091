import { sql } from 'drizzle-orm';
import {
  type ConstructorOptions,
  fromDrizzle,
  type Job,
  type JobWithMetadata,
  type PgBoss,
  type SendOptions,
  type WorkOptions,
} from 'pg-boss';
import type { Lexbridge, Queue } from '../context.ts';
import type { Logger } from '../log.ts';
import { observeJobDone, observeJobWait } from '../metrics/registry.ts';
import type { Store } from '../store/db.ts';
import { withRootSpan } from '../telemetry/tracing.ts';
import { createQueueBoss, maintenance } from './boss.ts';
import { watchDueJobs, workerBackstopSeconds } from './due-jobs.ts';

export { migrateQueue } from './boss.ts';

/**
 * The job queue: pg-boss on both back ends, in the same database as everything else, so a job can be
 * enqueued inside the transaction of the write that causes it (it exists exactly when the write does).
 * Jobs survive restarts because they are rows; failed jobs retry with exponential backoff. On PostgreSQL
 * any number of processes (`serve`, `worker`) share one queue; pg-boss hands each job to one of them.
 */
export interface JobDefinition<T extends object = object> {
  name: string;
  /** How many of this job one process runs at once (default LEXBRIDGE_WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Retries after the first failure (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry (default 5); later retries back off exponentially. */
  retryDelay?: number;
  /** Upper bound of the backoff, in seconds (default: none). */
  retryDelayMax?: number;
  /** Seconds a job may run before it is failed (and retried). */
  expireInSeconds?: number;
  /** A cron expression (UTC): the job is also enqueued on this schedule, once across all processes. */
  schedule?: string;
  /**
   * While workers run, also enqueue the job every so many seconds (at most once per interval across
   * all processes): for checks that a cron minute makes too slow, such as handing back stale runs.
   */
  repeatSeconds?: number;
  handler(job: Job<T>, context: { lexbridge: Lexbridge; log: Logger; signal: AbortSignal }): Promise<unknown>;
}

/** Declares a job type; jobs/index.ts lists every one, and the runtime opens the queue with that list. */
export function defineJob<T extends object>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

export type { Queue };

export interface QueueOptions {
  /** Every job type this process knows (jobs/index.ts). */
  jobs: readonly JobDefinition[];
  /** Default per-process concurrency of each job type. */
  concurrency?: number;
  /** Seconds between polls for new jobs when LISTEN/NOTIFY is unavailable (default 1). */
  pollingIntervalSeconds?: number;
  /**
   * Seconds between checks for jobs falling due (retries, later starts), which wake their queue's
   * workers (default 2; due-jobs.ts). A job that falls due starts within about this long.
   */
  dueCheckSeconds?: number;
  /** More pg-boss options of the maintainer (boss.ts); tests shorten its intervals. */
  maintainerOptions?: ConstructorOptions;
  /** Connections of the queue's own pool on PostgreSQL (LEXBRIDGE_QUEUE_POOL_SIZE, default 4). */
  poolSize?: number;
}

export async function openQueue(store: Store, log: Logger, options: QueueOptions): Promise<Queue> {
  const definitions = new Map<string, JobDefinition<never>>();
  for (const def of options.jobs) {
    if (definitions.has(def.name)) throw new Error(`job ${def.name} is defined twice`);
    definitions.set(def.name, def as JobDefinition<never>);
  }
  const boss = createQueueBoss(store, {}, options.poolSize);
  boss.on('error', (err: Error) => log.error({ err }, 'job queue error'));
  await boss.start();
  for (const def of definitions.values()) await ensureQueue(boss, def);

  const abort = new AbortController();
  const repeats: NodeJS.Timeout[] = [];
  let stopWatching: (() => void) | undefined;
  const maintained = maintenance(store, boss, log, options.maintainerOptions);
  let stopped = false;
  let working = false;
  return {
    boss,
    async send(name, data, sendOptions = {}) {
      const { tx, ...rest } = sendOptions;
      const def = definitions.get(name);
      if (!def) throw new Error(`job ${name} is not defined: defineJob it and list it in jobs/index.ts`);
      const opts: SendOptions = { ...retryOptions(def), ...rest };
      if (tx) return boss.send(name, data, { ...opts, db: fromDrizzle(tx as never, sql as never) });
      return boss.send(name, data, opts);
    },
    async startWorkers(lexbridge) {
      if (working) return;
      working = true;
      for (const def of definitions.values()) {
        if (def.repeatSeconds) repeats.push(repeat(boss, def, def.repeatSeconds, log));
        const workOptions: WorkOptions = {
          batchSize: 1,
          includeMetadata: true,
          localConcurrency: def.concurrency ?? options.concurrency ?? 2,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
          // While LISTEN/NOTIFY wakes the workers; the due-job check below wakes them sooner.
          notifyPollingIntervalSeconds: Math.max(options.pollingIntervalSeconds ?? 1, workerBackstopSeconds),
        };
        await boss.work(def.name, workOptions, async (jobs: Job<object>[]) => {
          for (const job of jobs) {
            const jobLog = log.child({ job: def.name, jobId: job.id, attempt: job.retryCount + 1 });
            const started = Date.now();
            observeJobWait(def.name, waitedSeconds(job as JobWithMetadata<object>));
            try {
              const attributes = { 'lexbridge.queue': def.name, 'lexbridge.attempt': job.retryCount + 1 };
              await withRootSpan(`job ${def.name}`, attributes, () =>
                def.handler(job as Job<never>, {
                  lexbridge,
                  log: jobLog,
                  signal: AbortSignal.any([abort.signal, job.signal]),
                }),
              );
              observeJobDone(def.name, 'completed', (Date.now() - started) / 1000);
            } catch (err) {
              observeJobDone(def.name, 'failed', (Date.now() - started) / 1000);
              jobLog.warn({ err }, 'job failed; it is retried with backoff until its retry limit');
              throw err;
            }
          }
        });
      }
      const names = [...definitions.keys()];
      stopWatching = watchDueJobs(boss, names, options.dueCheckSeconds ?? 2, log);
    },
    startMaintenance: ({ afterMs } = {}) => maintained.start(afterMs),
    stopMaintenance: () => maintained.stop(),
    async scheduleJobs() {
      for (const def of definitions.values()) {
        if (def.schedule)
          await boss.schedule(def.name, def.schedule, null, { ...retryOptions(def), tz: 'UTC' });
      }
    },
    async ready() {
      if (stopped) return false;
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
      for (const timer of repeats) clearInterval(timer);
      stopWatching?.();
      abort.abort();
      // The maintainer first: it runs on the queue instance's connections.
      await maintained.stop();
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}

/**
 * How long a job waited for a worker: from when it became due (sent, or later its retry or chosen start
 * time) to when a worker claimed it, both read from the database's clock.
 */
function waitedSeconds(job: JobWithMetadata<object>): number {
  const time = (d: Date | string | null | undefined) => (d ? new Date(d).getTime() : Number.NaN);
  const due = Math.max(time(job.createdOn), time(job.startAfter) || 0);
  const waited = (time(job.startedOn) - due) / 1000;
  return Number.isFinite(waited) ? waited : 0;
}

/** Enqueues `def` every `seconds`; pg-boss's singleton slot keeps processes from enqueuing it twice. */
function repeat(boss: PgBoss, def: JobDefinition<never>, seconds: number, log: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    boss
      .send(def.name, {}, { ...retryOptions(def), retryLimit: 0, singletonSeconds: seconds })
      .catch((err: unknown) => log.warn({ err, job: def.name }, 'could not enqueue a repeated job'));
  }, seconds * 1000);
  timer.unref();
  return timer;
}

function retryOptions(def: JobDefinition<never>): SendOptions {
  return {
    retryLimit: def.retryLimit ?? 5,
    retryDelay: def.retryDelay ?? 5,
    retryBackoff: true,
    ...(def.retryDelayMax !== undefined ? { retryDelayMax: def.retryDelayMax } : {}),
    ...(def.expireInSeconds ? { expireInSeconds: def.expireInSeconds } : {}),
  };
}

async function ensureQueue(boss: PgBoss, def: JobDefinition<never>): Promise<void> {
  // Every queue notifies its workers when a job is sent (queues made before that are switched over).
  const existing = await boss.getQueue(def.name);
  if (existing) {
    if (!existing.notify) await boss.updateQueue(def.name, { notify: true });
    return;
  }
  // Several processes may start at once: a queue created by another one meanwhile is not an error.
  await boss
    .createQueue(def.name, { ...retryOptions(def), notify: true } as never)
    .catch(async (err: unknown) => {
      if (!(await boss.getQueue(def.name))) throw err;
    });
}

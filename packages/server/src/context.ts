import type { PgBoss, SendOptions } from 'pg-boss';
import type { Config } from './config/index.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { Logger } from './log.ts';
import type { DbOrTx, Store } from './store/db.ts';

/**
 * Everything a request handler or a job needs, opened once per process: configuration, logger,
 * database, secrets and queue. Feature modules receive this object rather than importing globals, so
 * tests can run several independent instances side by side.
 */
export interface Lexbridge {
  config: Config;
  log: Logger;
  store: Store;
  /** Replaced in place by key rotation: read it at the time of use, do not keep a reference. */
  secrets: SecretBox;
  keySource: 'environment' | 'key-file';
  queue: Queue;
  close(): Promise<void>;
}

export interface Queue {
  boss: PgBoss;
  /**
   * Enqueues a job; pass the transaction (`{ tx }`) to make the job part of it: a rollback leaves no
   * job. Returns the job id.
   */
  send<T extends object>(
    name: string,
    data: T,
    options?: SendOptions & { tx?: DbOrTx },
  ): Promise<string | null>;
  /** Starts processing every registered job type in this process. */
  startWorkers(lexbridge: Lexbridge): Promise<void>;
  /** Registers the cron schedules of job definitions that have one (idempotent; any process may call it). */
  scheduleJobs(): Promise<void>;
  /**
   * Starts pg-boss's maintenance (expiry, retention, heartbeats) and its cron pass in this process,
   * `afterMs` from now (idempotent; jobs/boss.ts). `serve` calls it once it listens, `worker` at once.
   * Resolves once started, or at once if stopped before.
   */
  startMaintenance(options?: { afterMs?: number }): Promise<void>;
  /** Stops what startMaintenance started, or cancels it (the queue's stop() also does). */
  stopMaintenance(): Promise<void>;
  /** False once stopped, or when pg-boss cannot read its tables. */
  ready(): Promise<boolean>;
  /** Stops taking jobs, waits (a bounded time) for running handlers, and closes pg-boss's connections. */
  stop(): Promise<void>;
}

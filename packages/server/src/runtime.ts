import type { Config } from './config/index.ts';
import type { Lexbridge } from './context.ts';
import { loadKeys } from './crypto/keys.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { AppError } from './errors.ts';
import { jobs } from './jobs/index.ts';
import { openQueue } from './jobs/queue.ts';
import type { Logger } from './log.ts';
import { openStore, type Store } from './store/db.ts';
import { startTracing } from './telemetry/tracing.ts';

/**
 * The wiring of a process: opens the database, the keys and the queue (with the explicit job list of
 * jobs/index.ts) into one `Lexbridge` context (context.ts).
 */

export type { Lexbridge };

export interface OpenLexbridgeOptions {
  config: Config;
  log: Logger;
  /** Use this database instead of opening one from the configuration (tests). */
  store?: Store;
  /** Open the embedded database in memory rather than in the data directory (tests). */
  inMemory?: boolean;
}

export async function openLexbridge({
  config,
  log,
  store: given,
  inMemory,
}: OpenLexbridgeOptions): Promise<Lexbridge> {
  // A timer keeps the event loop alive while the database and the queue open. Without one, the loop
  // has nothing to wait for while PGlite's WebAssembly compiles, so Node drains V8's background tasks
  // before going on, blocking until the optimising compile of PGlite's code ends: 150-300 ms of each
  // start spent idle (docs/operations.md, "Start-up time"). With it, that compile runs beside the start.
  const awake = setInterval(() => {}, 60_000);
  try {
    return await open({ config, log, store: given, inMemory });
  } finally {
    clearInterval(awake);
  }
}

async function open({ config, log, store: given, inMemory }: OpenLexbridgeOptions): Promise<Lexbridge> {
  const store =
    given ??
    (await openStore({
      databaseUrl: config.DATABASE_URL,
      dataDir: inMemory ? undefined : config.dataDir,
      poolSize: config.DATABASE_POOL_SIZE,
      port: config.PORT,
    }));
  try {
    if (store.applied.length > 0) log.info({ migrations: store.applied }, 'database migrated');
    if (store.notPrivate?.length) {
      log.warn(
        { files: store.notPrivate.slice(0, 10), count: store.notPrivate.length },
        `Some files of the data directory ${store.dataDir} could not be made private to this account (0700/0600): other local accounts may read or change them. Give the directory to the account that runs Lexbridge (chown -R) and start again.`,
      );
    }
    if (!config.embedded && !config.LEXBRIDGE_ENCRYPTION_KEYS) {
      throw new AppError(
        'encryption_key_missing',
        'On PostgreSQL every Lexbridge process must use the same encryption keys: set LEXBRIDGE_ENCRYPTION_KEYS (see docs/configuration.md). A key file in a local data directory is only for the embedded database.',
      );
    }
    const { keys, source } = await loadKeys({
      envKeys: config.LEXBRIDGE_ENCRYPTION_KEYS,
      dataDir: config.dataDir,
      log,
    });
    const secrets = new SecretBox(keys);
    const queue = await openQueue(store, log, {
      jobs,
      concurrency: config.LEXBRIDGE_WORKER_CONCURRENCY,
      poolSize: config.LEXBRIDGE_QUEUE_POOL_SIZE,
    });
    const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
      ? startTracing({
          endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
          headers: config.OTEL_EXPORTER_OTLP_HEADERS,
          serviceName: config.OTEL_SERVICE_NAME,
          details: config.LEXBRIDGE_TRACE_DETAILS,
          onError: (err) => log.warn({ err: err.message }, 'traces could not be sent to the OTLP endpoint'),
        })
      : undefined;
    let closed = false;
    return {
      config,
      log,
      store,
      secrets,
      keySource: source,
      queue,
      async close() {
        if (closed) return;
        closed = true;
        await queue.stop().catch((err: unknown) => log.warn({ err }, 'job queue did not stop cleanly'));
        if (!given) await store.close();
        await tracing?.stop();
      },
    };
  } catch (err) {
    if (!given) await store.close();
    throw err;
  }
}

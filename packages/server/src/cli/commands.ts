import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { rotateKeys } from '../crypto/rotate-keys.ts';
import { AppError, type ErrorCode, errorCodes } from '../errors.ts';
import { loadRoutes } from '../http/app.ts';
import { assertIdentityConfig } from '../identity/settings.ts';
import { migrateQueue } from '../jobs/queue.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { readAdminApi, serve } from '../server.ts';
import { readLockOwner } from '../store/data-dir-lock.ts';
import { openStore } from '../store/db.ts';
import { closeOnSignal } from './signals.ts';

/**
 * A `lexbridge` sub-command. Returns the exit code, or -1 to keep running (servers). Most commands
 * need the configuration and receive it; the few that must run without one (they would fail on a
 * missing setting they do not use) say `needsConfig: false` and receive none.
 */
export type Command =
  | { needsConfig?: true; run(args: string[], config: Config): Promise<number> }
  | { needsConfig: false; run(args: string[]): Promise<number> };

/**
 * On the embedded database only the running server may open the data, so admin commands ask it over
 * its local admin API when it runs, and open the data themselves when it does not.
 */
async function viaRunningServer(config: Config, path: string): Promise<unknown | undefined> {
  if (!config.embedded) return undefined;
  const owner = await readLockOwner(config.dataDir);
  if (!owner) return undefined;
  const api = await readAdminApi(config.dataDir);
  if (!api || api.pid !== owner.pid) {
    throw new AppError(
      'admin_api_unavailable',
      `Lexbridge (pid ${owner.pid}) holds ${config.dataDir} but does not offer its admin API (it may still be starting). Try again in a moment, or stop it and run the command again.`,
    );
  }
  let res: Response;
  try {
    res = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'x-lexbridge-admin-token': api.token },
    });
  } catch (err) {
    throw new AppError(
      'admin_api_unavailable',
      `Lexbridge (pid ${owner.pid}) did not answer at ${api.url}: ${(err as Error).message}.`,
      undefined,
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message: string } };
  const code = body.error?.code;
  // The server's own refusal keeps its code (connector_not_found, connection_expired, …).
  if (!res.ok && code && code in errorCodes) throw new AppError(code as ErrorCode, body.error?.message);
  if (!res.ok) throw new Error(`the running server refused: ${body.error?.message ?? `HTTP ${res.status}`}`);
  return body;
}

export const commands: Record<string, Command> = {
  // Each command loads what only it needs when it runs, so `serve` does not load the emulators that
  // `start` runs beside it, nor `doctor`'s checks: a shorter start (docs/operations.md, "Start-up time").
  start: {
    async run(args, config) {
      const { startLocal } = await import('./start-local.ts');
      return startLocal(args, config);
    },
  },

  serve: {
    async run(args, config) {
      const { values } = parseArgs({ args, options: { 'no-workers': { type: 'boolean', default: false } } });
      assertIdentityConfig(config);
      const log = createLogger({ level: config.LOG_LEVEL });
      // The route modules load while the database and the queue open (errors surface in serve()).
      loadRoutes().catch(() => undefined);
      const lexbridge = await openLexbridge({ config: config, log });
      const server = await serve(lexbridge, { workers: !values['no-workers'] }).catch(
        async (err: unknown) => {
          // Release the database (and its lock) so the process can exit with the message.
          await lexbridge.close();
          throw err;
        },
      );
      log.info({ url: server.url, database: lexbridge.store.kind }, 'Lexbridge is listening');
      const close = async () => {
        await server.close();
        await lexbridge.close();
      };
      closeOnSignal(close);
      await server.maintenanceStarted.catch(async (err: unknown) => {
        await close();
        throw err;
      });
      return -1;
    },
  },

  worker: {
    async run(_args, config) {
      if (config.embedded) {
        throw new AppError(
          'worker_requires_postgres',
          'Separate worker processes need PostgreSQL: set DATABASE_URL=postgres://… (the same as the server). On the embedded database `lexbridge serve` (and `npm start`) runs the workers itself.',
        );
      }
      const log = createLogger({ level: config.LOG_LEVEL });
      const lexbridge = await openLexbridge({ config: config, log });
      await lexbridge.queue.startWorkers(lexbridge);
      await lexbridge.queue.startMaintenance();
      const port = config.LEXBRIDGE_WORKER_METRICS_PORT;
      const { serveWorkerMetrics } = await import('../metrics/worker-endpoint.ts');
      const metrics =
        port === undefined
          ? undefined
          : await serveWorkerMetrics(lexbridge, port).catch(async (err: unknown) => {
              // Release the database so the process can exit with the message (a port in use).
              await lexbridge.close();
              throw err;
            });
      if (metrics) log.info({ url: `${metrics.url}/metrics` }, 'worker metrics are served');
      log.info('Lexbridge worker is processing jobs');
      closeOnSignal(async () => {
        await metrics?.close();
        await lexbridge.close();
      });
      return -1;
    },
  },

  migrate: {
    async run(_args, config) {
      const owner = config.embedded ? await readLockOwner(config.dataDir) : null;
      if (owner) {
        console.log(
          `The running server (pid ${owner.pid}) applied all migrations when it started; nothing to do.`,
        );
        return 0;
      }
      const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
      try {
        await migrateQueue(store);
        console.log(
          store.applied.length ? `Applied: ${store.applied.join(', ')}` : 'The database is up to date.',
        );
      } finally {
        await store.close();
      }
      return 0;
    },
  },

  keys: {
    async run(args, config) {
      if (args[0] !== 'rotate') {
        console.error('Usage: lexbridge keys rotate');
        return 2;
      }
      const remote = await viaRunningServer(config, '/api/admin/keys/rotate');
      const report =
        remote ??
        (await (async () => {
          const lexbridge = await openLexbridge({ config: config, log: createLogger({ level: 'warn' }) });
          try {
            return await rotateKeys(lexbridge);
          } finally {
            await lexbridge.close();
          }
        })());
      const r = report as {
        primaryKeyId: string;
        reencrypted: number;
        alreadyCurrent: number;
        skippedConcurrent: number;
      };
      console.log(
        `Secrets re-encrypted under key ${r.primaryKeyId}: ${r.reencrypted} rewritten, ${r.alreadyCurrent} already current` +
          (r.skippedConcurrent
            ? `, ${r.skippedConcurrent} changed meanwhile (run again to include them)`
            : '') +
          '.',
      );
      return 0;
    },
  },

  workflows: {
    async run(args, config) {
      const { workflowsCommand } = await import('../workflows/cli.ts');
      return workflowsCommand(args, config);
    },
  },

  doctor: {
    async run(args, config) {
      const compat = await import('./compatibility.ts');
      if (compat.asksForCompatibility(args))
        return compat.compatibilityCommand(args, config, viaRunningServer);
      const { runDoctor } = await import('../diagnostics/doctor.ts');
      return runDoctor(args, config, viaRunningServer);
    },
  },

  prepare: {
    needsConfig: false,
    async run() {
      const { prepareCommand } = await import('./prepare.ts');
      return prepareCommand();
    },
  },

  users: {
    needsConfig: false,
    async run(args) {
      const { usersCommand } = await import('../identity/embedded-idp/cli.ts');
      return usersCommand(args);
    },
  },

  emulator: {
    needsConfig: false,
    async run(args) {
      const [kind, ...flags] = args;
      if (kind === 'imanage') {
        const { runEmulatorCli } = await import('@lexbridge/imanage-emulator/cli.ts');
        await runEmulatorCli(flags);
        return flags.includes('--help') || flags.includes('-h') ? 0 : -1;
      }
      if (kind === 'graph') {
        const { runGraphEmulatorCli } = await import('@lexbridge/graph-emulator/cli.ts');
        await runGraphEmulatorCli(flags);
        return flags.includes('--help') || flags.includes('-h') ? 0 : -1;
      }
      console.error(
        'Usage: lexbridge emulator imanage [flags]   (see docs/imanage-emulator.md)\n' +
          '       lexbridge emulator graph [flags]     (see docs/graph-emulator.md)',
      );
      return 2;
    },
  },
};

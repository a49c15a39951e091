import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { rotateKeys } from '../crypto/rotate-keys.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { adminTokenFile, serve } from '../server.ts';
import { readLockOwner } from '../store/data-dir-lock.ts';
import { openStore } from '../store/db.ts';
import { startLocal } from './start-local.ts';

/** A `lexbridge` sub-command. Returns the exit code, or -1 to keep running (servers). */
export interface Command {
  needsConfig?: boolean;
  run(args: string[], config: Config | undefined): Promise<number>;
}

/** Stops on SIGINT/SIGTERM by running `close`, once. */
export function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`lexbridge: ${signal} received, shutting down`);
    await close().catch((err: unknown) => console.error('lexbridge: shutdown failed', err));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * On the embedded database only the running server may open the data, so admin commands ask it over
 * its local admin API when it runs, and open the data themselves when it does not.
 */
async function viaRunningServer(config: Config, path: string): Promise<unknown | undefined> {
  if (!config.embedded) return undefined;
  const owner = await readLockOwner(config.dataDir);
  if (!owner) return undefined;
  const token = await readFile(join(config.dataDir, adminTokenFile), 'utf8').catch(() => undefined);
  if (!token || !owner.port) {
    throw new AppError('data_dir_locked', `Lexbridge (pid ${owner.pid}) holds ${config.dataDir} but does not offer its admin API. Stop it and run the command again.`);
  }
  const res = await fetch(`http://127.0.0.1:${owner.port}${path}`, { method: 'POST', headers: { 'x-lexbridge-admin-token': token } });
  const body = (await res.json()) as { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `the running server answered ${res.status}`);
  return body;
}

export const commands: Record<string, Command> = {
  start: { run: (args, config) => startLocal(args, config!) },

  serve: {
    async run(args, config) {
      const { values } = parseArgs({ args, options: { 'no-workers': { type: 'boolean', default: false } } });
      const log = createLogger({ level: config!.LOG_LEVEL });
      const lexbridge = await openLexbridge({ config: config!, log });
      const server = await serve(lexbridge, { workers: !values['no-workers'] });
      log.info({ url: server.url, database: lexbridge.store.kind }, 'Lexbridge is listening');
      closeOnSignal(async () => {
        await server.close();
        await lexbridge.close();
      });
      return -1;
    },
  },

  worker: {
    async run(_args, config) {
      if (config!.embedded) {
        throw new AppError(
          'data_dir_locked',
          'Separate workers need PostgreSQL: set DATABASE_URL. On the embedded database, `lexbridge serve` runs the workers itself.',
        );
      }
      const log = createLogger({ level: config!.LOG_LEVEL });
      const lexbridge = await openLexbridge({ config: config!, log });
      await lexbridge.queue.startWorkers(lexbridge);
      log.info('Lexbridge worker is processing jobs');
      closeOnSignal(() => lexbridge.close());
      return -1;
    },
  },

  migrate: {
    async run(_args, config) {
      const owner = config!.embedded ? await readLockOwner(config!.dataDir) : null;
      if (owner) {
        console.log(`The running server (pid ${owner.pid}) applied all migrations when it started; nothing to do.`);
        return 0;
      }
      const store = await openStore({ databaseUrl: config!.DATABASE_URL, dataDir: config!.dataDir });
      console.log(store.applied.length ? `Applied: ${store.applied.join(', ')}` : 'The database is up to date.');
      await store.close();
      return 0;
    },
  },

  keys: {
    async run(args, config) {
      if (args[0] !== 'rotate') {
        console.error('Usage: lexbridge keys rotate');
        return 2;
      }
      const remote = await viaRunningServer(config!, '/api/admin/keys/rotate');
      const report =
        remote ??
        (await (async () => {
          const lexbridge = await openLexbridge({ config: config!, log: createLogger({ level: 'warn' }) });
          try {
            return await rotateKeys(lexbridge);
          } finally {
            await lexbridge.close();
          }
        })());
      const r = report as { primaryKeyId: string; reencrypted: number; alreadyCurrent: number; skippedConcurrent: number };
      console.log(
        `Secrets re-encrypted under key ${r.primaryKeyId}: ${r.reencrypted} rewritten, ${r.alreadyCurrent} already current` +
          (r.skippedConcurrent ? `, ${r.skippedConcurrent} changed meanwhile (run again to include them)` : '') +
          '.',
      );
      return 0;
    },
  },

  emulator: {
    needsConfig: false,
    async run(args) {
      if (args[0] !== 'imanage') {
        console.error('Usage: lexbridge emulator imanage [flags]   (see docs/imanage-emulator.md)');
        return 2;
      }
      const { runEmulatorCli } = await import('@lexbridge/imanage-emulator/cli.ts');
      await runEmulatorCli(args.slice(1));
      return -1;
    },
  },
};

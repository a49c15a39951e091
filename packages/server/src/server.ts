import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp, type HttpAppOptions } from './http/app.ts';
import { webApp } from './http/web-app.ts';
import type { Lexbridge } from './runtime.ts';

export const adminTokenFile = 'admin-token';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Run job workers in this process (default true). */
  workers?: boolean;
  plugins?: HttpAppOptions['plugins'];
}

/**
 * Starts the HTTP server (and, unless told otherwise, the job workers) on an open Lexbridge. On the
 * embedded database it writes a local admin token into the data directory, which admin commands such
 * as `lexbridge keys rotate` use to ask this process to do the work.
 */
export async function serve(lexbridge: Lexbridge, options: ServeOptions = {}): Promise<RunningServer> {
  let localAdminToken: string | undefined;
  if (lexbridge.store.dataDir) {
    localAdminToken = randomBytes(32).toString('base64url');
    await writeFile(join(lexbridge.config.dataDir, adminTokenFile), localAdminToken, { mode: 0o600 });
  }
  const app = await buildHttpApp(lexbridge, {
    localAdminToken,
    // The web app last: its catch-all GET /* answers only what no API route or plugin claims.
    plugins: [...(options.plugins ?? []), webApp({ publicUrl: lexbridge.config.publicUrl })],
  });
  if (options.workers !== false) await lexbridge.queue.startWorkers(lexbridge);
  await lexbridge.queue.boss.schedule('maintenance.purge-expired', '17 * * * *').catch((err: unknown) =>
    lexbridge.log.warn({ err }, 'could not schedule maintenance'),
  );
  const address = await app.listen({ port: options.port ?? lexbridge.config.PORT, host: options.host ?? lexbridge.config.HOST });
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  return {
    app,
    url,
    async close() {
      await app.close();
    },
  };
}

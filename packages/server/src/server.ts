import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Lexbridge } from './context.ts';
import { buildHttpApp, type HttpAppOptions } from './http/app.ts';
import { webApp } from './http/web-app.ts';
import { type IdentitySetup, setUpIdentity } from './identity/index.ts';
import { traceRequests } from './telemetry/http.ts';

/**
 * On the embedded database the running server advertises its local admin API in this file of the data
 * directory (mode 0600): admin commands such as `lexbridge keys rotate` read it to ask the server to do
 * the work, since they may not open the data themselves while it runs.
 */
export const adminApiFile = 'admin-api.json';

export interface AdminApiInfo {
  pid: number;
  /** Where the admin API answers, e.g. http://127.0.0.1:8080 (the port actually bound, also with PORT=0). */
  url: string;
  token: string;
}

/** Reads the admin API advertised in a data directory, or null when there is none. */
export async function readAdminApi(dataDir: string): Promise<AdminApiInfo | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, adminApiFile), 'utf8')) as AdminApiInfo;
  } catch {
    return null;
  }
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** How people sign in here (the embedded identity provider and its users, or the firm's). */
  identity: IdentitySetup;
  /**
   * Settles once the job queue's maintenance and cron pass have started (`maintenanceDelayMs` after the
   * server listens), or were stopped before; rejects if they could not start.
   */
  maintenanceStarted: Promise<void>;
  /** Stops accepting requests, lets those in flight finish, and withdraws the admin API. */
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Run job workers in this process (default true). */
  workers?: boolean;
  plugins?: HttpAppOptions['plugins'];
  /** Milliseconds after listening that the queue's maintenance starts (default maintenanceDelayMs). */
  maintenanceDelayMs?: number;
}

/** How long after listening the server starts the queue's maintenance and cron pass. */
export const maintenanceDelayMs = 1000;

/**
 * Starts the HTTP server (and, unless told otherwise, the job workers) on an open Lexbridge. On the
 * embedded database it advertises a local admin API (see adminApiFile).
 */
export async function serve(lexbridge: Lexbridge, options: ServeOptions = {}): Promise<RunningServer> {
  const dataDir = lexbridge.store.dataDir;
  const localAdminToken = dataDir ? randomBytes(32).toString('base64url') : undefined;
  const host = options.host ?? lexbridge.config.HOST;
  let listenPort = options.port ?? lexbridge.config.PORT;
  if (listenPort === 0 && !lexbridge.config.LEXBRIDGE_PUBLIC_URL) {
    // Sign-in and authorisation redirects need the public URL before the server listens: with "any
    // free port" and no public URL set, choose the port first so the URL names the real one.
    listenPort = await findFreePort(host);
    lexbridge.config.publicUrl = `http://localhost:${listenPort}`;
  }
  const identity = await setUpIdentity(lexbridge);
  const app = await buildHttpApp(lexbridge, {
    localAdminToken,
    // The web app last: its catch-all GET /* answers only what no API route or plugin claims.
    plugins: [
      ...identity.plugins,
      ...(options.plugins ?? []),
      webApp({ publicUrl: lexbridge.config.publicUrl }),
    ],
  });
  traceRequests(app);
  if (options.workers !== false) await lexbridge.queue.startWorkers(lexbridge);
  await lexbridge.queue.scheduleJobs();
  await app.listen({ port: listenPort, host });
  const { port } = app.server.address() as { port: number };
  const url = `http://localhost:${port}`;
  if (dataDir && localAdminToken) {
    const adminHost = host === '0.0.0.0' || host === '::' || host === 'localhost' ? '127.0.0.1' : host;
    const info: AdminApiInfo = {
      pid: process.pid,
      url: `http://${adminHost.includes(':') ? `[${adminHost}]` : adminHost}:${port}`,
      token: localAdminToken,
    };
    await writeFile(join(dataDir, adminApiFile), JSON.stringify(info), { mode: 0o600 });
  }
  // The queue's maintenance and cron pass start a moment after the server listens, so that on the
  // embedded database (one connection, queries on this thread) the first requests are not queued
  // behind their start-up queries (docs/operations.md, "Start-up time").
  const maintenanceStarted = lexbridge.queue.startMaintenance({
    afterMs: options.maintenanceDelayMs ?? maintenanceDelayMs,
  });
  maintenanceStarted.catch((err: unknown) =>
    lexbridge.log.error({ err }, 'the job queue maintenance did not start'),
  );
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    identity,
    maintenanceStarted,
    close() {
      closing ??= (async () => {
        await lexbridge.queue.stopMaintenance();
        if (dataDir) await rm(join(dataDir, adminApiFile), { force: true });
        await app.close();
      })();
      return closing;
    },
  };
}

function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

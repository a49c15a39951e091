import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { loadRoutes } from '../http/app.ts';
import { describeLocalSignIn } from '../identity/index.ts';
import { assertIdentityConfig } from '../identity/settings.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { serve } from '../server.ts';
import { startLocalGraph, startLocalImanage } from './local-emulators.ts';
import { closeOnSignal } from './signals.ts';

/**
 * `npm start`: the whole product on one machine with embedded defaults — the server and its workers on
 * PGlite, plus the iManage and Microsoft Graph emulators with sample data, so a newcomer can try every
 * flow, iManage → SharePoint included.
 */
export async function startLocal(_args: string[], config: Config): Promise<number> {
  assertIdentityConfig(config);
  const demoFolders = await allowDemoFolders(config);
  const log = createLogger({ level: config.LOG_LEVEL });
  loadRoutes().catch(() => undefined); // beside the database opening, as `serve` does
  const lexbridge = await openLexbridge({ config, log });
  const server = await serve(lexbridge).catch(async (err: unknown) => {
    // Release the database (and its lock) so the process can exit with the message.
    await lexbridge.close();
    throw err;
  });
  const [imanage, graph] = await Promise.all([
    startLocalImanage(config, log, demoFolders),
    startLocalGraph(config, log),
  ]);
  const lines = [
    '',
    `  Lexbridge is running at ${server.url}  (database: ${lexbridge.store.kind === 'embedded' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`,
    ...describeLocalSignIn(server.identity, config),
    ...imanage.banner,
    ...graph.banner,
    "  Stop with Ctrl+C. Data is kept between runs (the emulators' too).",
    '',
  ].filter((l) => l !== '');
  // The banner is for the person at the terminal, the log (JSON lines on standard output) for machines:
  // the banner goes to standard error, so neither is mixed into the other (`npm start | pino-pretty`).
  process.stderr.write(`${lines.join('\n')}\n`);
  closeOnSignal(async () => {
    await server.close();
    await Promise.all([imanage.url && imanage.close(), graph.url && graph.close()]);
    await lexbridge.close();
  });
  return -1;
}

/**
 * Local folders are a workflow and publish target; on the all-in-one start they may live under
 * <data dir>/folders unless the operator chose roots.
 */
async function allowDemoFolders(config: Config): Promise<string | undefined> {
  if (config.LEXBRIDGE_LOCAL_FOLDER_ROOTS.length > 0) return undefined;
  const root = join(config.dataDir, 'folders');
  await mkdir(join(root, 'Client portal'), { recursive: true });
  config.LEXBRIDGE_LOCAL_FOLDER_ROOTS = [root];
  return root;
}

import type { Config } from '../config/index.ts';
import { assertIdentityConfig, describeLocalSignIn } from '../identity/index.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { serve } from '../server.ts';
import { closeOnSignal } from './commands.ts';

/**
 * `npm start`: the whole product on one machine with embedded defaults — the server and its workers on
 * PGlite, plus the iManage emulator with sample data, so a newcomer can try every flow.
 */
export async function startLocal(_args: string[], config: Config): Promise<number> {
  assertIdentityConfig(config);
  const log = createLogger({ level: config.LOG_LEVEL });
  const lexbridge = await openLexbridge({ config, log });
  const server = await serve(lexbridge).catch(async (err: unknown) => {
    // Release the database (and its lock) so the process can exit with the message.
    await lexbridge.close();
    throw err;
  });
  const emulator = await startBundledEmulator(log, config.LEXBRIDGE_EMULATOR_PORT);
  const lines = [
    '',
    `  Lexbridge is running at ${server.url}  (database: ${lexbridge.store.kind === 'embedded' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`,
    ...describeLocalSignIn(server.identity, config),
    emulator ? `  iManage emulator:        ${emulator.url}  (Control Center: ${emulator.url}/cc)` : '',
    '  Stop with Ctrl+C. Data is kept between runs.',
    '',
  ].filter((l) => l !== '');
  console.log(lines.join('\n'));
  closeOnSignal(async () => {
    await server.close();
    await emulator?.close();
    await lexbridge.close();
  });
  return -1;
}

async function startBundledEmulator(log: ReturnType<typeof createLogger>, port: number): Promise<{ url: string; close(): Promise<void> } | undefined> {
  try {
    const { startEmulator } = await import('@lexbridge/imanage-emulator');
    return await startEmulator({ port });
  } catch (err) {
    log.warn({ err }, 'the bundled iManage emulator did not start; Lexbridge runs without it');
    return undefined;
  }
}

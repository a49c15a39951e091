import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { buildManifest } from '../connectors/imanage/extension-package.ts';
import { assertIdentityConfig, describeLocalSignIn } from '../identity/index.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { serve } from '../server.ts';
import { closeOnSignal } from './signals.ts';

/**
 * `npm start`: the whole product on one machine with embedded defaults — the server and its workers on
 * PGlite, plus the iManage emulator with sample data, so a newcomer can try every flow.
 */
export async function startLocal(_args: string[], config: Config): Promise<number> {
  assertIdentityConfig(config);
  const demoFolders = await allowDemoFolders(config);
  const log = createLogger({ level: config.LOG_LEVEL });
  const lexbridge = await openLexbridge({ config, log });
  const server = await serve(lexbridge).catch(async (err: unknown) => {
    // Release the database (and its lock) so the process can exit with the message.
    await lexbridge.close();
    throw err;
  });
  const emulator = await startBundledEmulator(log, config);
  const lines = [
    '',
    `  Lexbridge is running at ${server.url}  (database: ${lexbridge.store.kind === 'embedded' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`,
    ...describeLocalSignIn(server.identity, config),
    ...(emulator ? describeEmulator(emulator.url, demoFolders) : []),
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

/** The application a firm would register in Control Center, already registered in the bundled emulator. */
export const demoApplication = { clientId: 'lexbridge-demo', clientSecret: 'lexbridge-demo-secret' } as const;

async function startBundledEmulator(
  log: ReturnType<typeof createLogger>,
  config: Config,
): Promise<{ url: string; close(): Promise<void> } | undefined> {
  try {
    const { startEmulator } = await import('@lexbridge/imanage-emulator');
    const manifest = buildManifest(config, 'on-premises');
    const emulatorUrl = `http://127.0.0.1:${config.LEXBRIDGE_EMULATOR_PORT}`;
    return await startEmulator({
      port: config.LEXBRIDGE_EMULATOR_PORT,
      apps: [
        {
          client_id: demoApplication.clientId,
          client_secret: demoApplication.clientSecret,
          name: 'Lexbridge (demo)',
          description: manifest.description,
          redirect_urls: manifest.redirect_urls,
          allow_refresh_token: true,
          enabled: true,
          setting_fields: manifest.settings,
          settings: { lexbridge_host: config.publicUrl, imanage_server_url: emulatorUrl },
          context_menu: manifest.context_menu,
        },
      ],
    });
  } catch (err) {
    log.warn({ err }, 'the bundled iManage emulator did not start; Lexbridge runs without it');
    return undefined;
  }
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

function describeEmulator(url: string, demoFolders: string | undefined): string[] {
  return [
    `  iManage emulator:        ${url}  (Work: ${url}/work/web, Control Center: ${url}/cc)`,
    '    admin / admin (Control Center administrator), jsmith / password, ajones / password (read only)',
    '  Try it: sign in as admin, open Connectors, press + on iManage and enter',
    `    Client Id ${demoApplication.clientId}, Secret Key ${demoApplication.clientSecret}, Scope user, Server Address ${url};`,
    '    press Authorise and sign in to iManage as jsmith.',
    ...(demoFolders
      ? [
          `  Local folders may be used under ${demoFolders} (set LEXBRIDGE_LOCAL_FOLDER_ROOTS to choose others).`,
        ]
      : []),
  ];
}

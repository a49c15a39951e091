import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { buildManifest } from '../connectors/imanage/extension-package.ts';
import { oauthCallbackPath } from '../connectors/plugin.ts';
import type { createLogger } from '../log.ts';

/**
 * The emulators `npm start` runs beside the server, so a newcomer can try iManage → SharePoint without
 * either system: each keeps its state under the data directory (a restart changes nothing, connections
 * stay authorised), and a port that is taken is explained in the banner rather than in a stack trace.
 */

/** The application a firm would register in Control Center, already registered in the bundled emulator. */
export const demoApplication = { clientId: 'lexbridge-demo', clientSecret: 'lexbridge-demo-secret' } as const;

/** A bundled emulator that runs, or the banner lines that say why it does not. */
export type LocalEmulator =
  | { url: string; close(): Promise<void>; banner: string[] }
  | { url?: undefined; banner: string[] };

type Log = ReturnType<typeof createLogger>;

/** Where each bundled emulator keeps its state (contents beside the file). */
export const emulatorStateFiles = (config: Config) => ({
  imanage: join(config.dataDir, 'imanage-emulator', 'state.json'),
  graph: join(config.dataDir, 'graph-emulator', 'state.json'),
});

function notStarted(what: string, port: number, variable: string, err: unknown, log: Log): string[] {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return [
      `  ${what}: not started — port ${port} is already in use (another program, or another Lexbridge still running).`,
      `    Stop that program, or choose another port: ${variable}=${port + 100} npm start  (0 picks a free one; connectors`,
      '    added with the old address then need their Server Address / hosts changed).',
    ];
  }
  log.warn({ err }, `the bundled ${what} did not start; Lexbridge runs without it`);
  return [`  ${what}: not started (${(err as Error).message}); see the log.`];
}

export async function startLocalImanage(
  config: Config,
  log: Log,
  demoFolders: string | undefined,
): Promise<LocalEmulator> {
  const port = config.LEXBRIDGE_EMULATOR_PORT;
  try {
    const { startEmulator } = await import('@lexbridge/imanage-emulator');
    const manifest = buildManifest(config, 'on-premises');
    const emulator = await startEmulator({
      port,
      stateFile: emulatorStateFiles(config).imanage,
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
          settings: { lexbridge_host: config.publicUrl, imanage_server_url: `http://127.0.0.1:${port}` },
          context_menu: manifest.context_menu,
        },
      ],
    });
    return {
      url: emulator.url,
      close: () => emulator.close(),
      banner: describeImanage(emulator.url, demoFolders),
    };
  } catch (err) {
    return { banner: notStarted('iManage emulator', port, 'LEXBRIDGE_EMULATOR_PORT', err, log) };
  }
}

function describeImanage(url: string, demoFolders: string | undefined): string[] {
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

/**
 * The Graph emulator over plain http on loopback: the person's browser opens its sign-in page, and an
 * https emulator would greet a newcomer with a certificate warning there and ask them to paste its CA
 * into the connector; the connector accepts http hosts only on loopback, so nothing else is weakened.
 */
export async function startLocalGraph(config: Config, log: Log): Promise<LocalEmulator> {
  const port = config.LEXBRIDGE_GRAPH_EMULATOR_PORT;
  const redirectUri = `${config.publicUrl}${oauthCallbackPath}`;
  try {
    const { startGraphEmulator } = await import('@lexbridge/graph-emulator');
    const graph = await startGraphEmulator({
      port,
      https: false,
      state: emulatorStateFiles(config).graph,
      redirectUris: [redirectUri],
    });
    // A saved state keeps the redirect URI of its first start; this start's address must be the one.
    const app = graph.store.apps.get(graph.app.clientId);
    if (app && !app.redirectUris.includes(redirectUri)) app.redirectUris = [redirectUri];
    return { url: graph.loginUrl, close: () => graph.close(), banner: describeGraph(graph) };
  } catch (err) {
    return {
      banner: notStarted('Microsoft Graph emulator', port, 'LEXBRIDGE_GRAPH_EMULATOR_PORT', err, log),
    };
  }
}

/** The SharePoint connector's six fields, then the two advanced ones, with the emulator's values. */
export function sharepointDemoFields(graph: {
  loginUrl: string;
  tenantId: string;
  app: { clientId: string; secret: string };
}) {
  return {
    name: 'SharePoint (demo)',
    clientId: graph.app.clientId,
    secretKey: graph.app.secret,
    scope: 'https://graph.microsoft.com/.default offline_access',
    refreshToken: true,
    tenantId: graph.tenantId,
    signInHost: graph.loginUrl,
    graphHost: graph.loginUrl,
  };
}

function describeGraph(graph: Parameters<typeof sharepointDemoFields>[0]): string[] {
  const f = sharepointDemoFields(graph);
  return [
    `  Microsoft Graph emulator: ${graph.loginUrl}  (SharePoint, OneDrive, Teams and Entra sign-in; admin page ${graph.loginUrl}/__emulator)`,
    '    alex.wilber@contoso.onmicrosoft.com / Passw0rd! (also megan.bowen, debra.berger)',
    '  Then iManage → SharePoint: press + on SharePoint and enter',
    `    Name ${f.name}, Client Id ${f.clientId}, Secret Key ${f.secretKey},`,
    `    Scope ${f.scope} (the default), Refresh Token on, Tenant ID ${f.tenantId},`,
    `    and under Advanced: Sign-in host ${f.signInHost}, Graph host ${f.graphHost};`,
    '    press Authorise and sign in as alex.wilber. Then create a Copy workflow from an iManage folder to',
    '    SharePoint → Matter 1001 - Acme v Globex → Documents, and run it.',
  ];
}

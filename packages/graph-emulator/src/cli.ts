/**
 * `node --import tsx packages/graph-emulator/src/cli.ts [flags]` (or `lexbridge emulator graph` once
 * the server's CLI lists it). Resolves once both hosts listen; the process then runs until
 * SIGINT/SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FaultConfigInput } from './faults.ts';
import { type GraphEmulatorOptions, type RunningGraphEmulator, startGraphEmulator } from './index.ts';

const USAGE = `Usage: graph-emulator [flags]
  --port N                  main host port: sign-in, Graph /v1.0, admin (default 8443; 0 = any free port)
  --content-port N          download/upload host port (default 0 = any free port)
  --host H                  listening address (default 127.0.0.1)
  --hostname NAME           name in sign-in and Graph URLs (default 127.0.0.1)
  --content-hostname NAME   name in download/upload URLs, must differ from --hostname (default localhost)
  --http                    plain http instead of https
  --ca-dir DIR              keep the generated CA (ca.pem, ca-key.pem) in DIR across restarts
  --ca-file FILE            write the CA certificate (PEM) to FILE, e.g. for NODE_EXTRA_CA_CERTS
  --state FILE              load state from FILE if present; save changes to it (contents in FILE.blobs/)
  --seed N                  seed of generated ids and fault dice (default 1)
  --redirect-uri URI        redirect URI of the demo app (repeatable; default Lexbridge's local ones)
  --simple-upload-limit B   simple upload limit in bytes (default 4194304)
  --latency-ms N --throttle-rate R --throttle-after N --error-rate R
  --drop-download-rate R --drop-upload-rate R   faults (see docs/graph-emulator.md)
  --log                     log requests (tokens redacted)`;

function numberFlag(value: string | undefined, name: string, { rate = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const ok = rate ? parsed >= 0 && parsed <= 1 : Number.isInteger(parsed) && parsed >= 0;
  if (!ok)
    throw new Error(
      `--${name} must be ${rate ? 'a number from 0 to 1' : 'a non-negative integer'}, got "${value}"`,
    );
  return parsed;
}

const defined = <T extends object>(object: T) =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

/** Command-line flags to startGraphEmulator options, plus where to write the CA (exported for tests). */
export function parseGraphEmulatorArgs(
  argv: string[],
): { options: GraphEmulatorOptions; caFile?: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string' },
      'content-port': { type: 'string' },
      host: { type: 'string' },
      hostname: { type: 'string' },
      'content-hostname': { type: 'string' },
      http: { type: 'boolean' },
      'ca-dir': { type: 'string' },
      'ca-file': { type: 'string' },
      state: { type: 'string' },
      seed: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'simple-upload-limit': { type: 'string' },
      'latency-ms': { type: 'string' },
      'throttle-rate': { type: 'string' },
      'throttle-after': { type: 'string' },
      'error-rate': { type: 'string' },
      'drop-download-rate': { type: 'string' },
      'drop-upload-rate': { type: 'string' },
      log: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const faults: FaultConfigInput = defined({
    latencyMs: numberFlag(values['latency-ms'], 'latency-ms'),
    throttleRate: numberFlag(values['throttle-rate'], 'throttle-rate', { rate: true }),
    throttleAfter: numberFlag(values['throttle-after'], 'throttle-after'),
    errorRate: numberFlag(values['error-rate'], 'error-rate', { rate: true }),
    dropDownloadRate: numberFlag(values['drop-download-rate'], 'drop-download-rate', { rate: true }),
    dropUploadRate: numberFlag(values['drop-upload-rate'], 'drop-upload-rate', { rate: true }),
  });
  const options: GraphEmulatorOptions = defined({
    port: numberFlag(values.port, 'port') ?? 8443,
    contentPort: numberFlag(values['content-port'], 'content-port'),
    host: values.host,
    hostname: values.hostname,
    contentHostname: values['content-hostname'],
    https: values.http ? false : undefined,
    caDir: values['ca-dir'],
    state: values.state,
    seed: numberFlag(values.seed, 'seed'),
    redirectUris: values['redirect-uri'],
    simpleUploadLimit: numberFlag(values['simple-upload-limit'], 'simple-upload-limit'),
    faults,
    logger: values.log,
  });
  return values['ca-file'] ? { options, caFile: values['ca-file'] } : { options };
}

export function banner(emulator: RunningGraphEmulator, caFile?: string): string {
  const users = [...emulator.store.users.values()];
  const admin = `${emulator.loginUrl}/__emulator`;
  return [
    `Microsoft Graph emulator listening (pid ${process.pid})`,
    `  Sign-in (login.microsoftonline.com): ${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/authorize | /token`,
    `  Discovery: ${emulator.loginUrl}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
    `  Graph (graph.microsoft.com):         ${emulator.graphUrl}`,
    `  Download/upload host:                ${emulator.contentUrl}`,
    `  Admin page and API:                  ${admin}   (loopback, or X-Emulator-Admin-Token: ${emulator.adminToken})`,
    `  Tenant id: ${emulator.tenantId} (contoso.onmicrosoft.com)`,
    `  App (client) id: ${emulator.app.clientId}`,
    `  Client secret value: ${emulator.app.secret}   (secret ID ${emulator.app.secretId} is not the value)`,
    '  Users (sign-in name / password):',
    ...users.map((user) => `    ${user.userPrincipalName} / ${user.password}   (${user.jobTitle ?? ''})`),
    ...(emulator.caPem
      ? [
          `  https with a generated CA${caFile ? `: trust ${caFile} (NODE_EXTRA_CA_CERTS=${caFile})` : '; write it with --ca-file FILE'}`,
        ]
      : ['  plain http']),
  ].join('\n');
}

export async function runGraphEmulatorCli(argv: string[]): Promise<void> {
  const parsed = parseGraphEmulatorArgs(argv);
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const emulator = await startGraphEmulator(parsed.options);
  if (parsed.caFile && emulator.caPem) await writeFile(parsed.caFile, emulator.caPem);
  console.log(banner(emulator, parsed.caFile));
  const stop = () => {
    emulator.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runGraphEmulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  });
}

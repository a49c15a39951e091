/**
 * `lexbridge emulator imanage [flags]`, `npm run emulator`, or directly
 * `node --import tsx packages/imanage-emulator/src/cli.ts [flags]`.
 * Resolves once the server listens; the process then keeps running until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FaultConfigInput } from './faults.ts';
import { type EmulatorOptions, startEmulator } from './index.ts';
import { parseStrictFlag } from './strictness.ts';

const USAGE = `Usage: lexbridge emulator imanage [flags]
  --port N                    listening port (default 8090; 0 = any free port)
  --host H                    listening address (default 127.0.0.1)
  --public-url URL            base URL clients use, if not http://host:port
  --seed N                    seed of sample content and fault dice (default 1)
  --customer-id N             customer id (default 1001)
  --users FILE                users JSON (see docs/imanage-emulator.md)
  --apps FILE                 pre-registered applications JSON
  --workspaces N --folder-depth N --documents-per-folder N --min-size BYTES --max-size BYTES
  --special-items             add the workspace of shortcuts, search folders, tabs and emails
  --number-collisions         number documents from 100 like folders (LIB!105 beside LIB!105.1)
  --latency-ms N              add latency to every request
  --rate-limit-after N        allow N API requests per window, then 429 (--rate-limit-window S, default 1)
  --rate-limit-rate R         answer a fraction R of API requests with 429
  --error-rate R              answer a fraction R of API requests with 503
  --reset-download-rate R     reset a fraction R of downloads half way
  --token-endpoint-down       the token endpoint drops every connection
  --strict LIST               real-server behaviours: all, or e.g. versionedDocumentIds,cursorPlacement=top
                              (see "Strictness" in docs/imanage-emulator.md)
  --clock-skew S              the server's clock is S seconds ahead of this machine's (negative: behind,
                              written --clock-skew=-3600)
  --state FILE                keep state in FILE (uploads in FILE.content/), so a restart changes nothing
  --log                       log requests`;

function integerFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`--${name} must be an integer, got "${value}"`);
  return parsed;
}

function rateFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1))
    throw new Error(`--${name} must be a number from 0 to 1, got "${value}"`);
  return parsed;
}

async function readJson(path: string | undefined): Promise<unknown> {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Turns command-line flags into startEmulator options (exported for tests). */
export async function parseEmulatorArgs(argv: string[]): Promise<EmulatorOptions | 'help'> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      seed: { type: 'string' },
      'customer-id': { type: 'string' },
      users: { type: 'string' },
      apps: { type: 'string' },
      workspaces: { type: 'string' },
      'folder-depth': { type: 'string' },
      'documents-per-folder': { type: 'string' },
      'min-size': { type: 'string' },
      'max-size': { type: 'string' },
      'special-items': { type: 'boolean' },
      'number-collisions': { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'rate-limit-after': { type: 'string' },
      'rate-limit-window': { type: 'string' },
      'rate-limit-rate': { type: 'string' },
      'error-rate': { type: 'string' },
      'reset-download-rate': { type: 'string' },
      'token-endpoint-down': { type: 'boolean' },
      strict: { type: 'string' },
      'clock-skew': { type: 'string' },
      state: { type: 'string' },
      log: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const defined = <T extends object>(object: T) =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  const faults: FaultConfigInput = defined({
    latencyMs: integerFlag(values['latency-ms'], 'latency-ms'),
    rateLimitAfter: integerFlag(values['rate-limit-after'], 'rate-limit-after'),
    rateLimitWindowSeconds: integerFlag(values['rate-limit-window'], 'rate-limit-window'),
    rateLimitRate: rateFlag(values['rate-limit-rate'], 'rate-limit-rate'),
    errorRate: rateFlag(values['error-rate'], 'error-rate'),
    resetDownloadRate: rateFlag(values['reset-download-rate'], 'reset-download-rate'),
    tokenEndpointDown: values['token-endpoint-down'],
  });
  const users = await readJson(values.users);
  const apps = await readJson(values.apps);
  return defined({
    port: integerFlag(values.port, 'port') ?? 8090,
    host: values.host,
    publicUrl: values['public-url'],
    seed: integerFlag(values.seed, 'seed'),
    customerId: integerFlag(values['customer-id'], 'customer-id'),
    users: users as EmulatorOptions['users'],
    apps: apps as EmulatorOptions['apps'],
    content: defined({
      workspaces: integerFlag(values.workspaces, 'workspaces'),
      folderDepth: integerFlag(values['folder-depth'], 'folder-depth'),
      documentsPerFolder: integerFlag(values['documents-per-folder'], 'documents-per-folder'),
      minSize: integerFlag(values['min-size'], 'min-size'),
      maxSize: integerFlag(values['max-size'], 'max-size'),
      specialItems: values['special-items'],
      numberCollisions: values['number-collisions'],
    }),
    faults,
    strict: values.strict === undefined ? undefined : parseStrictFlag(values.strict),
    clockSkewSeconds: integerFlag(values['clock-skew'], 'clock-skew'),
    logger: values.log,
    stateFile: values.state,
  });
}

export async function runEmulatorCli(argv: string[]): Promise<void> {
  const options = await parseEmulatorArgs(argv);
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  const users = [...emulator.store.users.values()];
  const lines = [
    `iManage Work emulator listening on ${emulator.url} (pid ${process.pid}, customer id ${emulator.customerId})`,
    `  Work web view:   ${emulator.url}/work/web`,
    `  Control Center:  ${emulator.url}/cc   (administrators only)`,
    `  OAuth:           ${emulator.url}/auth/oauth2/authorize and ${emulator.url}/auth/oauth2/token`,
    `  Discovery:       ${emulator.url}/api   Work API: ${emulator.url}/work/api/v2/customers/${emulator.customerId}`,
    `  Admin/faults:    ${emulator.url}/__emulator/faults   (loopback, or X-Emulator-Admin-Token: ${emulator.adminToken})`,
    '  Users (username / password):',
    ...users.map((u) => `    ${u.id} / ${u.password}${u.admin ? '   (Control Center administrator)' : ''}`),
    `  Applications: ${emulator.store.applications.size} registered; add more in Control Center.`,
    options.stateFile
      ? `  State: kept in ${options.stateFile} (a restart changes nothing)`
      : '  State: in memory (lost on stop; --state FILE keeps it)',
  ];
  console.log(lines.join('\n'));
  const stop = () => {
    emulator.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEmulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  });
}

import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import {
  type CompatibilityReport,
  compatibilityReportSchema,
  formatCompatibilityReport,
} from '../connectors/compatibility.ts';
import { runCompatibilityCheck } from '../diagnostics/compatibility.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';

/** The compatibility checks `lexbridge doctor` offers, by flag, with their reports' titles. */
const checks: Record<string, string> = { 'imanage-compat': 'iManage Work compatibility' };

export const compatibilityUsage =
  'Usage: lexbridge doctor --imanage-compat <connector-id> [--user <e-mail address or user id>] [--json]';

/** Whether these `lexbridge doctor` arguments ask for a compatibility check. */
export function asksForCompatibility(args: string[]): boolean {
  return args.some((arg) => arg.startsWith('--') && arg.slice(2) in checks);
}

/**
 * `lexbridge doctor --imanage-compat <connector>`: read-only probes of the firm's real server with a
 * person's stored authorisation, printed as a short report, or as JSON with --json (to send to the
 * Lexbridge team). On the embedded database a running server holds the data and is asked to run it.
 */
export async function compatibilityCommand(
  args: string[],
  config: Config,
  viaRunningServer: (config: Config, path: string) => Promise<unknown | undefined>,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch {
    console.error(compatibilityUsage);
    return 2;
  }
  const { name, connectorId, user, json } = parsed;
  if (!name || !connectorId || !/^[0-9a-f-]{36}$/i.test(connectorId)) {
    console.error(compatibilityUsage);
    return 2;
  }
  const query = new URLSearchParams({ name, ...(user ? { user } : {}) });
  const remote = await viaRunningServer(config, `/api/connectors/${connectorId}/compatibility?${query}`);
  const report: CompatibilityReport = remote
    ? compatibilityReportSchema.parse(remote)
    : await (async () => {
        const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'warn' }) });
        try {
          return await runCompatibilityCheck(lexbridge, name, connectorId, user);
        } finally {
          await lexbridge.close();
        }
      })();
  console.log(json ? JSON.stringify(report, null, 2) : formatCompatibilityReport(report, checks[name]!));
  return 0;
}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(Object.keys(checks).map((flag) => [flag, { type: 'string' as const }])),
      user: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const name = Object.keys(checks).find((flag) => typeof flags[flag] === 'string');
  const connectorId = name ? String(flags[name]) : positionals[0];
  return {
    name,
    connectorId,
    user: typeof values.user === 'string' ? values.user : undefined,
    json: values.json === true,
  };
}

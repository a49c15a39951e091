import { parseArgs } from 'node:util';
import type { DiagnosticsReport } from '@lexbridge/contracts';
import type { Config } from '../config/index.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { runDiagnostics } from './run.ts';

export const doctorUsage =
  "Usage: lexbridge doctor <connector-id> [--user <user-id>]   (with --user, also checks the API version and libraries with that user's authorisation)";

/** Prints a report as lines a person can follow: each step, its detail, and what to do. */
export function formatReport(report: DiagnosticsReport): string {
  const lines = [`Connector ${report.connectorId} → ${report.serverAddress}`];
  for (const step of report.steps) {
    const mark = step.skipped ? '-' : step.ok ? '✓' : '✗';
    lines.push(`${mark} ${step.name.padEnd(10)} ${step.detail}`);
    for (const advice of step.advice) lines.push(`    → ${advice}`);
  }
  lines.push(report.ok ? 'All checks passed.' : 'Some checks failed: follow the advice above.');
  return lines.join('\n');
}

/**
 * `lexbridge doctor`: the connector test from the command line. On the embedded database, a running
 * server holds the data, so it is asked to run the checks (`viaRunningServer`); otherwise the data is
 * opened here.
 */
export async function runDoctor(
  args: string[],
  config: Config,
  viaRunningServer: (config: Config, path: string) => Promise<unknown | undefined>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { user: { type: 'string' } },
  });
  const connectorId = positionals[0];
  if (
    !connectorId ||
    !/^[0-9a-f-]{36}$/i.test(connectorId) ||
    (values.user && !/^[0-9a-f-]{36}$/i.test(values.user))
  ) {
    console.error(doctorUsage);
    return 2;
  }
  const path = `/api/connectors/${connectorId}/doctor${values.user ? `?user=${values.user}` : ''}`;
  const remote = (await viaRunningServer(config, path)) as DiagnosticsReport | undefined;
  const report =
    remote ??
    (await (async () => {
      const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'warn' }) });
      try {
        return await runDiagnostics(lexbridge, connectorId, values.user);
      } finally {
        await lexbridge.close();
      }
    })());
  console.log(formatReport(report));
  return report.ok ? 0 : 1;
}

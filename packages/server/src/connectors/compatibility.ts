import { z } from 'zod';

/**
 * A compatibility report (`lexbridge doctor --imanage-compat`): each behaviour of a firm's real
 * server that a connector depends on, as observed by read-only calls with one person's authorisation,
 * in a form the firm can send to the Lexbridge team. It carries no token, secret or document name:
 * ids and counts only.
 */
export const compatibilityCheckSchema = z.object({
  /** Stable name of the behaviour, e.g. `search.cursor`. */
  id: z.string(),
  /** The question, in words. */
  label: z.string(),
  /** What was seen, as a stable value (`top`, `data`, `absent`, `not_observed`, …). */
  observed: z.string(),
  /** How it was learnt: asked now, recorded at an earlier authorisation or refresh, or not measurable. */
  source: z.enum(['probed', 'recorded', 'not_measurable']),
  /** The evidence in one sentence (ids and counts, never names). */
  detail: z.string(),
  /** Counts behind the observation, where there are several samples. */
  counts: z.record(z.string(), z.number()).optional(),
});

export const compatibilityReportSchema = z.object({
  format: z.literal('lexbridge-compatibility-report'),
  version: z.literal(1),
  /** Which report: `imanage-compat`. */
  kind: z.string(),
  generatedAt: z.string(),
  readOnly: z.literal(true),
  connector: z.object({ id: z.string(), type: z.string() }),
  /** Facts about the server (its version, the API path), no host names. */
  server: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  checks: z.array(compatibilityCheckSchema),
});

export type CompatibilityCheck = z.infer<typeof compatibilityCheckSchema>;
export type CompatibilityReport = z.infer<typeof compatibilityReportSchema>;

/** What Lexbridge recorded of a connection's token calls, handed to the plug-in's compatibility check. */
export interface ConnectionObservations {
  /** When the connection was last authorised: an authorisation-code exchange that sent PKCE (S256). */
  authorisedAt: Date;
  /** What the last refresh answer said of the refresh token, if Lexbridge has refreshed since. */
  lastRefresh?: RefreshObservation;
}

export interface RefreshObservation {
  at: string;
  /** `rotated`: a new one; `unchanged`: the same one again; `omitted`: none in the answer. */
  refreshToken: 'rotated' | 'unchanged' | 'omitted';
}

/** The report as a few lines a person can read. */
export function formatCompatibilityReport(report: CompatibilityReport, title: string): string {
  const lines = [
    `${title} — connector ${report.connector.id} (${report.connector.type}), ${report.generatedAt}`,
    'Read-only: this check only reads from the server (no uploads, no changes, no deletes).',
    ...Object.entries(report.server).map(([key, value]) => `  ${key}: ${value ?? 'unknown'}`),
    '',
  ];
  const width = Math.max(...report.checks.map((c) => c.label.length));
  for (const check of report.checks) {
    const source = check.source === 'recorded' ? ' (recorded)' : '';
    lines.push(`${check.label.padEnd(width)}  ${check.observed}${source}`);
    lines.push(`${' '.repeat(width)}  ${check.detail}`);
  }
  lines.push(
    '',
    'Send the --json output of this command to the Lexbridge team: it holds no tokens, secrets or document names.',
  );
  return lines.join('\n');
}

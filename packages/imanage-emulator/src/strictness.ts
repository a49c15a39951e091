/**
 * Strictness: behaviours of real iManage Work Servers that today's Lexbridge client does not yet
 * handle. Each is off in the default configuration (so the server's tests keep passing) and is meant
 * to become the default once the client copes with it. `REAL_SERVER` turns every one on; the
 * evidence for each is in docs/imanage-emulator.md.
 */
import { z } from 'zod';

export const strictSchema = z.strictObject({
  /** Document calls need `LIB!n.v`; a versionless `LIB!n` is 404, as the swagger's id pattern says. */
  versionedDocumentIds: z.boolean().default(false),
  /** Where a document search puts `cursor` and `total_count`: inside `data` or beside it. */
  cursorPlacement: z.enum(['data', 'top']).default('data'),
  /** `/children` answers the first `limit` items whatever `offset` says. */
  childrenIgnoresOffset: z.boolean().default(false),
  /** An upload without `doc_profile.class` (or with an unknown class) is refused with 400. */
  requireClass: z.boolean().default(false),
  /** OAuth token errors in the shapes seen in the wild instead of RFC 6749 JSON. */
  nonRfcTokenErrors: z.enum(['off', 'json', 'html', 'empty']).default('off'),
  /** Origin `/api` names in `versions[].url` (an application proxy's internal host); null = our own. */
  internalApiHost: z.url().nullable().default(null),
  /** A document search does not see changes younger than this many seconds. */
  indexLagSeconds: z.number().int().min(0).default(0),
  /** A document profile's `checksum`: `SHA256:` + upper-case hex, `SHA256:` + base64, or absent. */
  checksumFormat: z.enum(['hex', 'base64', 'none']).default('hex'),
  /**
   * Per workspace id, the only classes its new documents may have (400 otherwise), as a matter
   * workspace whose firm files pleadings apart from other documents. Not set by `real-server`.
   */
  workspaceClasses: z.record(z.string(), z.array(z.string()).min(1)).default({}),
});

export type StrictConfig = z.output<typeof strictSchema>;
export type StrictConfigInput = z.input<typeof strictSchema>;

/** Every strict behaviour on: what a real Work Server behind an application proxy does. */
export const REAL_SERVER: StrictConfig = {
  versionedDocumentIds: true,
  cursorPlacement: 'top',
  childrenIgnoresOffset: true,
  requireClass: true,
  nonRfcTokenErrors: 'json',
  internalApiHost: 'http://imanage-app01.firm.internal:8080',
  indexLagSeconds: 5,
  checksumFormat: 'hex',
  workspaceClasses: {},
};

/** Accepts `'real-server'` for REAL_SERVER, or a partial configuration (the rest at its default). */
export function parseStrictness(input: StrictConfigInput | 'real-server' | undefined): StrictConfig {
  return input === 'real-server' ? { ...REAL_SERVER, workspaceClasses: {} } : strictSchema.parse(input ?? {});
}

/**
 * The `--strict` flag: `all` (= real-server), or a comma-separated list of `name` (true) and
 * `name=value`, e.g. `versionedDocumentIds,cursorPlacement=top,indexLagSeconds=5`.
 */
export function parseStrictFlag(flag: string): StrictConfig {
  if (flag === 'all' || flag === 'real-server') return { ...REAL_SERVER };
  const input: Record<string, unknown> = {};
  for (const entry of flag.split(',').filter(Boolean)) {
    const [name = '', raw] = entry.split(/=(.*)/s, 2);
    if (!(name in strictSchema.shape)) throw new Error(`--strict: unknown behaviour "${name}"`);
    input[name] = raw === undefined ? flagDefault(name) : flagValue(raw);
  }
  const parsed = strictSchema.safeParse(input);
  if (!parsed.success) throw new Error(`--strict: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** The value a bare `--strict name` means: true, or REAL_SERVER's value for non-boolean settings. */
function flagDefault(name: string): unknown {
  return REAL_SERVER[name as keyof StrictConfig];
}

function flagValue(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

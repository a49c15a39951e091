import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { allowedPrivateHosts, isLocalMode } from './private-addresses.ts';

/**
 * Every setting Lexbridge reads, parsed once from the environment. A wrong value stops start-up with
 * a message naming the variable and what it expects. docs/configuration.md lists each variable; a test
 * keeps the two in step.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = z.url({ message: 'expected an absolute URL such as https://lexbridge.example.com' });

/** A whole number in [min, max]; every failure says what is expected. */
const wholeNumber = (min: number, max: number) => {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};

/**
 * Which proxies in front of Lexbridge to believe about the client's address (X-Forwarded-For):
 * none (the default), a hop count (`1`: the one proxy in front), or proxy addresses and CIDRs.
 */
/** An IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8. */
function isAddressOrCidr(part: string): boolean {
  const [address, bits, extra] = part.trim().split('/');
  return (
    extra === undefined &&
    isIP(address ?? '') !== 0 &&
    (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address ?? '') === 4 ? 32 : 128)))
  );
}

const trustProxy = z
  .string()
  .refine((v) => /^\d{1,2}$/.test(v) || v.split(',').every(isAddressOrCidr), {
    message:
      'expected a number of proxy hops (e.g. 1) or proxy addresses/CIDRs, comma-separated (e.g. 10.0.0.0/8)',
  })
  .transform((v): number | string =>
    /^\d{1,2}$/.test(v)
      ? Number(v)
      : v
          .split(',')
          .map((p) => p.trim())
          .join(','),
  );

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const configSchema = z.object({
  PORT: wholeNumber(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  LEXBRIDGE_TRUST_PROXY: trustProxy.optional(),
  LEXBRIDGE_PUBLIC_URL: url.optional(),
  LEXBRIDGE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// connection string' })
    .optional(),
  DATABASE_POOL_SIZE: wholeNumber(2, 200).default(10),
  LEXBRIDGE_QUEUE_POOL_SIZE: wholeNumber(1, 50).default(4),
  LEXBRIDGE_ENCRYPTION_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9_-]+:[A-Za-z0-9+/_-]{43}=?)*$/, {
      message: 'expected comma-separated keyId:base64key pairs, each key 32 bytes; the first one encrypts',
    })
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LEXBRIDGE_WORKER_CONCURRENCY: wholeNumber(1, 64).default(4),
  LEXBRIDGE_EMULATOR_PORT: wholeNumber(0, 65535).default(8090),
  LEXBRIDGE_GRAPH_EMULATOR_PORT: wholeNumber(0, 65535).default(8091),
  LEXBRIDGE_OIDC_ISSUER: url.optional(),
  LEXBRIDGE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  LEXBRIDGE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  LEXBRIDGE_OIDC_ROLE_CLAIMS: csv.default(['roles']),
  LEXBRIDGE_OIDC_ROLE_PREFIX: z.string().default(''),
  LEXBRIDGE_OIDC_SCOPES: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .default(['openid', 'profile', 'email']),
  LEXBRIDGE_USERS_FILE: z.string().min(1).optional(),
  LEXBRIDGE_ALLOW_EMBEDDED_IDP: bool.default(false),
  LEXBRIDGE_SESSION_IDLE_MINUTES: wholeNumber(1, 7 * 24 * 60).default(60),
  LEXBRIDGE_SESSION_ABSOLUTE_HOURS: wholeNumber(1, 24 * 90).default(12),
  LEXBRIDGE_LOCAL_FOLDER_ROOTS: csv.default([]),
  LEXBRIDGE_MAX_DELETES: z.coerce
    .number({ message: 'expected a whole number of deletes, 0 or more' })
    .int()
    .min(0)
    .default(100),
  LEXBRIDGE_WORKFLOW_CONCURRENCY: z.coerce
    .number({ message: 'expected a whole number from 1 to 64' })
    .int()
    .min(1)
    .max(64)
    .default(4),
  LEXBRIDGE_CONNECTOR_CONCURRENCY: z.coerce
    .number({ message: 'expected a whole number from 1 to 256' })
    .int()
    .min(1)
    .max(256)
    .default(8),
  LEXBRIDGE_WORKFLOW_RECONCILE_MINUTES: z.coerce
    .number({ message: 'expected a whole number of minutes, 1 or more' })
    .int()
    .min(1)
    .default(60),
  LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS: z.coerce
    .number({ message: 'expected a whole number of seconds, 10 or more' })
    .int()
    .min(10)
    .default(120),
  LEXBRIDGE_EGRESS_IPS: csv.default([]),
  // Private and loopback addresses for connectors (docs/security.md, "Internal addresses")
  LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES: bool.optional(),
  LEXBRIDGE_ALLOWED_PRIVATE_HOSTS: allowedPrivateHosts.default([]),
  LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID: z.string().min(1).optional(),
  LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET: z.string().min(1).optional(),
  LEXBRIDGE_IMANAGE_CLOUD_URL: url.default('https://cloudimanage.com'),
  // Notifications (docs/notifications.md)
  LEXBRIDGE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, {
      message: 'expected an smtp:// or smtps:// URL such as smtp://user:password@mail.firm.com:587',
    })
    .optional(),
  LEXBRIDGE_SMTP_FROM: z.string().min(3).default('Lexbridge <lexbridge@localhost>'),
  LEXBRIDGE_NOTIFY_OUTAGE_MINUTES: wholeNumber(1, 24 * 60).default(15),
  HTTPS_PROXY: z.string().optional(),
  NO_PROXY: z.string().optional(),
  // Metrics (docs/operations.md, "Metrics")
  LEXBRIDGE_METRICS_TOKEN: z
    .string()
    .min(24, { message: 'expected a random token of 24 characters or more (openssl rand -hex 24)' })
    .optional(),
  LEXBRIDGE_WORKER_METRICS_PORT: wholeNumber(0, 65535).optional(),
  LEXBRIDGE_METRICS_ALLOW: z
    .string()
    .refine((v) => v.split(',').every(isAddressOrCidr), {
      message: 'expected addresses or CIDRs, comma-separated (e.g. 10.0.0.0/8,192.168.1.10)',
    })
    .transform((v) => v.split(',').map((p) => p.trim()))
    .default([]),
  // Traces (docs/operations.md, "Traces")
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('lexbridge'),
  LEXBRIDGE_TRACE_DETAILS: bool.default(false),
});

type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  /** Absolute data directory. */
  dataDir: string;
  /** The URL people and identity providers reach this server at, without a trailing slash. */
  publicUrl: string;
  /** True when no DATABASE_URL is set and the embedded PGlite database is used. */
  embedded: boolean;
  /**
   * Whether connectors may reach loopback, private and other non-public addresses:
   * LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES, by default true in local mode only (config/private-addresses.ts).
   */
  allowPrivateAddresses: boolean;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: { variable: string; expected: string }[]) {
    super(
      `Lexbridge cannot start: ${problems.length === 1 ? 'a setting is' : 'some settings are'} wrong.\n` +
        problems.map((p) => `  ${p.variable}: ${p.expected}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a Config, or throws ConfigError naming each wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value =
      env[key] ?? (key === 'HTTPS_PROXY' || key === 'NO_PROXY' ? env[key.toLowerCase()] : undefined);
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        expected: issue.message,
      })),
    );
  }
  const raw = parsed.data;
  const groupClaims = raw.LEXBRIDGE_OIDC_ROLE_CLAIMS.filter((claim) => /group/i.test(claim));
  if (groupClaims.length > 0 && raw.LEXBRIDGE_OIDC_ROLE_PREFIX === '') {
    throw new ConfigError([
      {
        variable: 'LEXBRIDGE_OIDC_ROLE_PREFIX',
        expected: `roles read from ${groupClaims.join(', ')} need a prefix (e.g. Lexbridge.), so that a firm group called "Admin" does not make its members Lexbridge Admins`,
      },
    ]);
  }
  const dataDir = isAbsolute(raw.LEXBRIDGE_DATA_DIR)
    ? raw.LEXBRIDGE_DATA_DIR
    : resolve(cwd, raw.LEXBRIDGE_DATA_DIR);
  const publicUrl = (raw.LEXBRIDGE_PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  const allowPrivateAddresses =
    raw.LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES ?? isLocalMode({ HOST: raw.HOST, publicUrl });
  return { ...raw, dataDir, publicUrl, embedded: !raw.DATABASE_URL, allowPrivateAddresses };
}

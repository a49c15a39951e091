import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths whose values never reach a log line. Tokens, secrets, cookies and credentials are replaced
 * at the top of a logged object and in objects nested up to four levels below it (headers, tokens
 * sets, connector configurations). A test logs each of them through a real server.
 */
const secretKeys = [
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
  'x-csrf-token',
  'x-lexbridge-admin-token',
  'cookie',
  'Cookie',
  'set-cookie',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'idToken',
  'client_secret',
  'clientSecret',
  'secretConfig',
  'secret_config',
  'secretKey',
  'secret',
  'password',
  'code_verifier',
  'codeVerifier',
  'token',
  'csrfToken',
  'apiKey',
  'api_key',
];

export const redactPaths = [
  ...secretKeys.map((k) => `["${k}"]`),
  ...secretKeys.map((k) => `*["${k}"]`),
  ...secretKeys.map((k) => `*.*["${k}"]`),
  ...secretKeys.map((k) => `*.*.*["${k}"]`),
  ...secretKeys.map((k) => `*.*.*.*["${k}"]`),
];

/** Query parameters that carry credentials; they are masked in logged URLs. */
const secretQueryParams =
  /([?&](?:code|state|access_token|refresh_token|id_token|token|client_secret|code_verifier|password|api_key)=)[^&#\s]*/gi;

/** The URL with the values of credential-bearing query parameters replaced by [Redacted]. */
export function maskUrl(url: string): string {
  return url.replace(secretQueryParams, '$1[Redacted]');
}

/**
 * A failed query's error (drizzle's) names its parameters in its message and stack, and parameters are
 * people's data and sealed secrets: the logged copy keeps the statement and the cause only.
 */
export function withoutQueryParameters(err: Error): Error {
  if (!err || typeof err !== 'object' || !('query' in err) || !('params' in err)) return err;
  const clean = new Error(`Failed query: ${String(err.query)}`, { cause: err.cause });
  clean.name = err.name;
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  clean.stack = [`${clean.name}: ${clean.message}`, ...frames].join('\n');
  return clean;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** Creates the process logger: JSON lines, with secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: redactPaths, censor: '[Redacted]' },
      serializers: {
        err: (err: Error) => pino.stdSerializers.err(withoutQueryParameters(err)),
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url ? maskUrl(req.url) : undefined,
        }),
      },
    },
    options.destination,
  );
}

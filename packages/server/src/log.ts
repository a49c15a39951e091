import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths whose values never reach a log line. Tokens, secrets, cookies and credentials are replaced
 * wherever they appear in a logged object, at any of the depths listed here.
 */
const secretKeys = [
  'authorization',
  'Authorization',
  'x-auth-token',
  'X-Auth-Token',
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
  'secretKey',
  'secret',
  'password',
  'code_verifier',
  'codeVerifier',
  'token',
  'csrfToken',
];

export const redactPaths = [
  ...secretKeys.map((k) => `${k}`),
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
  ...secretKeys.map((k) => `*.*.*.${k}`),
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Query parameters that carry credentials; they are masked in logged URLs. */
const secretQueryParams = /([?&](?:code|state|access_token|refresh_token|token|client_secret|code_verifier)=)[^&#\s]*/gi;

export function maskUrl(url: string): string {
  return url.replace(secretQueryParams, '$1[Redacted]');
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
        err: pino.stdSerializers.err,
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

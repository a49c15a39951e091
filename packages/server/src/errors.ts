/**
 * The single registry of error codes. Every error Lexbridge reports, over HTTP or on the command line,
 * has a stable snake_case code from this table, an HTTP status and a default message written for the
 * person who will read it. Codes are never reused or renamed; docs/errors.md documents each one and a
 * test keeps the two in step.
 */
export const errorCodes = {
  internal_error: { status: 500, message: 'Something went wrong on the server. Try again; if it persists, ask your administrator to check the server log.' },
  validation_failed: { status: 400, message: 'The request is not valid.' },
  not_found: { status: 404, message: 'Nothing exists at this address.' },
  method_not_allowed: { status: 405, message: 'This address does not accept that method.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  rate_limited: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  config_invalid: { status: 500, message: 'A setting is wrong.' },
  data_dir_locked: { status: 409, message: 'Another Lexbridge process is using this data directory.' },
  database_unavailable: { status: 503, message: 'The database is not reachable.' },
  queue_unavailable: { status: 503, message: 'The job queue is not ready.' },
  not_ready: { status: 503, message: 'The server is starting or shutting down.' },
  encryption_key_missing: { status: 500, message: 'A value was encrypted with a key that is not configured. Add the key to LEXBRIDGE_ENCRYPTION_KEYS.' },
  secret_tampered: { status: 500, message: 'A stored secret failed its integrity check and was not used.' },
  admin_token_invalid: { status: 401, message: 'The local admin token is missing or wrong.' },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  forbidden: { status: 403, message: 'Your roles do not allow this. Ask your administrator for the role you need.' },
  csrf_token_invalid: { status: 403, message: 'The request is missing its security token. Reload the page and try again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** An expected failure with a stable code. `details` is safe to show to the caller. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; status?: number },
  ) {
    const def: { status: number; message: string } = errorCodes[code];
    super(message ?? def.message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.status = options?.status ?? def.status;
  }

  toJSON(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

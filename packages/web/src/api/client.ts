/**
 * The one way the web app talks to Lexbridge: same-origin fetch with the session cookie, the session's
 * CSRF token on every state-changing request, and every failure turned into an ApiError carrying the
 * server's {"error":{"code","message","details"}}.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Remembers the CSRF token that /api/me handed out for this session. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the API and returns the parsed JSON body (undefined for 204). Throws ApiError on failure. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (unsafe.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'network_error',
      'Lexbridge could not be reached. Check your network connection and try again.',
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw toApiError(response.status, body);
  return body as T;
}

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(
      status,
      error.code,
      typeof error.message === 'string' ? error.message : `Lexbridge answered ${status}.`,
      error.details && typeof error.details === 'object'
        ? (error.details as Record<string, unknown>)
        : undefined,
    );
  }
  return new ApiError(
    status,
    'unexpected_response',
    `Lexbridge answered ${status} unexpectedly. Try again; if it persists, tell your administrator.`,
  );
}

/** A readable message for anything a query or mutation threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong. Try again.';
}

/**
 * Field messages from a validation answer, keyed by field name: details.issues
 * [{path:'body.config.clientId',message}], details.field (one field, named in the message) or
 * details.fields {clientId: message}.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !err.details) return {};
  const out: Record<string, string> = {};
  const issues = err.details.issues;
  if (Array.isArray(issues)) {
    for (const issue of issues as { path?: unknown; message?: unknown }[]) {
      const path = Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? '');
      const field = path
        .replace(/^body\.?/, '')
        .split('.')
        .filter(Boolean)
        .pop();
      if (field && typeof issue.message === 'string' && !out[field]) out[field] = issue.message;
    }
  }
  // connector_config_invalid and similar: {field} with a message "field: what to do".
  const single = err.details.field;
  if (typeof single === 'string' && !out[single])
    out[single] = err.message.replace(new RegExp(`^${single}:\\s*`), '');
  const fields = err.details.fields;
  if (fields && typeof fields === 'object') {
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      if (typeof value === 'string' && !out[key]) out[key] = value;
    }
  }
  return out;
}

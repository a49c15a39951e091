import type { Dispatcher } from 'undici';
import { AppError } from '../../errors.ts';
import { defaultRetryPolicy, type RetryPolicy, withRetries } from '../../retry.ts';
import { undici } from '../undici.ts';
import { type GraphErrorBody, graphFailure, retryAfterSeconds } from './graph-errors.ts';

/**
 * A small Microsoft Graph v1.0 client on undici for one person's access. Every call to Graph carries
 * the bearer token; a 401 renews it once (InvalidAuthenticationToken after revocation or expiry);
 * 429 and 503 wait out Retry-After (Graph's throttling guidance), bounded; idempotent calls are
 * retried on resets and 502/504 with backoff. Collections are paged only by following
 * `@odata.nextLink` as given. Pre-authenticated URLs (downloads, upload sessions) are fetched with
 * `preauthenticated`, which never sends the token: Graph's docs say not to, and a leaked token there
 * would reach a host that does not need it.
 */
export interface TokenSource {
  current(): Promise<string>;
  /** After Graph rejected `stale`: a renewed token. */
  renew(stale: string): Promise<string>;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
  /** Safe to repeat after a transient failure: GET, DELETE, PATCH of a name, PUT of buffered bytes. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

type Response = Dispatcher.ResponseData;

export class GraphClient {
  constructor(
    /** e.g. https://graph.microsoft.com/v1.0 */
    readonly base: string,
    private readonly dispatcher: Dispatcher,
    private readonly tokens: TokenSource,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
  ) {}

  url(path: string, query: CallOptions['query'] = {}): string {
    const url = new URL(path.startsWith('https:') || path.startsWith('http:') ? path : `${this.base}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  /** One Graph call with the token; returns the response for any status below 400 (redirects unfollowed). */
  async send(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    let token = await this.tokens.current();
    let renewed = false;
    return this.withRetries(method, url, options, async () => {
      const res = await this.raw(method, url, options, { authorization: `Bearer ${token}` });
      if (res.statusCode === 401 && !renewed) {
        await res.body.dump();
        renewed = true;
        token = await this.tokens.renew(token);
        return this.raw(method, url, options, { authorization: `Bearer ${token}` });
      }
      return res;
    });
  }

  /** A call to a pre-authenticated URL (download or upload session): the same retries, never the token. */
  preauthenticated(method: Dispatcher.HttpMethod, url: string, options: CallOptions = {}): Promise<Response> {
    return this.withRetries(method, url, options, () => this.raw(method, url, options, {}));
  }

  async json<T>(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, {
      idempotent: method === 'GET' || method === 'DELETE',
      ...options,
    });
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every item of a collection, page by page, following `@odata.nextLink` exactly as Graph gives it. */
  async *pages<T>(path: string, options: CallOptions = {}): AsyncIterable<T> {
    let next: string | undefined = this.url(path, options.query);
    while (next) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.json('GET', next, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      yield* page.value ?? [];
      next = page['@odata.nextLink'];
    }
  }

  private async raw(
    method: Dispatcher.HttpMethod,
    url: string,
    options: CallOptions,
    auth: Record<string, string>,
  ): Promise<Response> {
    const json = options.json === undefined ? undefined : JSON.stringify(options.json);
    return undici().request(url, {
      method,
      dispatcher: this.dispatcher,
      headers: {
        accept: 'application/json',
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
        ...auth,
      },
      body: json ?? options.body,
      headersTimeout: 60_000,
      bodyTimeout: 300_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Runs one attempt at a time under the server's one retry policy (retry.ts): each failure says
   * whether it is worth another attempt. 429 and 503 mean the request was not processed, so they are
   * retryable whatever the method, after Retry-After; resets and other 5xx only for idempotent calls.
   */
  private withRetries(
    method: Dispatcher.HttpMethod,
    url: string,
    options: CallOptions,
    attemptOnce: () => Promise<Response>,
  ): Promise<Response> {
    const where = `${method} ${describe(url)}`;
    return withRetries(
      async () => {
        let res: Response;
        try {
          res = await attemptOnce();
        } catch (err) {
          if (options.signal?.aborted || err instanceof AppError) throw err;
          throw new AppError(
            'connector_unreachable',
            `${where} failed: ${(err as Error).message}`,
            undefined,
            {
              cause: err,
              retryable: Boolean(options.idempotent),
            },
          );
        }
        if (res.statusCode < 400) return res;
        const seconds = retryAfterSeconds(res.headers['retry-after']);
        const throttled = res.statusCode === 429 || res.statusCode === 503;
        const retryable =
          throttled || Boolean(options.idempotent && [500, 502, 504].includes(res.statusCode));
        const body = (await res.body.json().catch(() => undefined)) as GraphErrorBody | undefined;
        throw graphFailure(where, res.statusCode, body, {
          retryable,
          ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}),
        });
      },
      { policy: this.policy, ...(options.signal ? { signal: options.signal } : {}) },
    );
  }
}

/** A URL for messages: no query (it may name documents) and no pre-authentication token path. */
export function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.length > 120 ? `${parsed.pathname.slice(0, 60)}…` : parsed.pathname}`;
}

/** Path segments of Graph ids, encoded. */
export const enc = encodeURIComponent;

import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AppError } from '../../errors.ts';
import { type RetryPolicy, withRetries } from '../../retry.ts';
import { isAddressRefusal } from '../address-guard.ts';
import type { UserAccess } from '../plugin.ts';
import { undici } from '../undici.ts';

const enc = encodeURIComponent;
/** How long one client reuses an access token before reading it again (well inside refreshMarginMs). */
const tokenReuseMs = 10_000;

export type Body =
  | { json: unknown }
  | { multipart: () => { body: Readable; contentType: string; length: number } }
  | undefined;

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: Body;
  /** Safe to repeat after a transient failure (GET, PATCH of a name, DELETE). */
  idempotent?: boolean;
  /** The body can be sent again (401 refresh, 429). */
  replayable?: boolean;
  signal?: AbortSignal;
  /** Absolute URL at the server root instead of under the customer (discovery). */
  absolute?: string;
}

/**
 * One user's HTTP calls to the Work API: the token sent as X-Auth-Token (never logged), renewed once
 * on 401; idempotent calls retried under the retry policy; every failure an AppError saying what the
 * server answered; the token sent to the Server Address's origin only.
 */
export class WorkApiTransport {
  constructor(
    private readonly access: UserAccess,
    private readonly dispatcher: Dispatcher,
    readonly serverAddress: string,
    readonly apiBaseUrl: string,
    readonly customerId: number | string,
    private readonly policy: RetryPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  private cachedToken: { value: string; until: number } | undefined;

  /**
   * The access token, read from the database at most every few seconds: each read is a query and a
   * decryption, which dominated copies of many small documents. A token that stops working within
   * that time gets the 401 path (refresh once, then retry) like any other.
   */
  private async token(): Promise<string> {
    if (this.cachedToken && this.cachedToken.until > Date.now()) return this.cachedToken.value;
    const value = (await this.access.current()).accessToken;
    this.cachedToken = { value, until: Date.now() + tokenReuseMs };
    return value;
  }

  private url(path: string, query: CallOptions['query'] = {}): string {
    const url = new URL(`${this.apiBaseUrl}/customers/${enc(String(this.customerId))}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  /**
   * One Work API call: renews the token once on 401 and, for idempotent calls whose body can be sent
   * again, retries retryable failures under the policy; returns the live response.
   */
  send(
    method: Dispatcher.HttpMethod,
    path: string,
    options: CallOptions = {},
  ): Promise<Dispatcher.ResponseData> {
    const url = options.absolute ?? this.url(path, options.query);
    if (new URL(url).origin !== new URL(this.serverAddress).origin)
      throw new AppError(
        'connector_error',
        `Lexbridge sends the iManage token only to the Server Address ${this.serverAddress}, not to ${new URL(url).origin}.`,
      );
    const signals = [this.signal, options.signal].filter((s): s is AbortSignal => Boolean(s));
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const repeatable = options.idempotent === true && options.replayable !== false;
    // A call that cannot be repeated here is tried once; its retryable failure is the caller's to retry.
    if (!repeatable) return this.attempt(method, url, options, signal);
    return withRetries(() => this.attempt(method, url, options, signal), {
      policy: this.policy,
      ...(signal ? { signal } : {}),
    });
  }

  private async attempt(
    method: Dispatcher.HttpMethod,
    url: string,
    options: CallOptions,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    let token = await this.token();
    for (let refreshed = false; ; refreshed = true) {
      const body = options.body && 'multipart' in options.body ? options.body.multipart() : undefined;
      let res: Dispatcher.ResponseData;
      try {
        res = await undici().request(url, {
          method,
          dispatcher: this.dispatcher,
          headers: {
            accept: 'application/json',
            'x-auth-token': token,
            ...(options.body && 'json' in options.body ? { 'content-type': 'application/json' } : {}),
            ...(body ? { 'content-type': body.contentType, 'content-length': String(body.length) } : {}),
          },
          body: options.body && 'json' in options.body ? JSON.stringify(options.body.json) : body?.body,
          headersTimeout: 60_000,
          bodyTimeout: 300_000,
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        // A refused address stays refused until the operator allows it: not an unreachable server.
        if (signal?.aborted || isAddressRefusal(err)) throw err;
        throw new AppError(
          'connector_unreachable',
          `${method} ${this.describe(url)} failed: ${(err as Error).message}`,
          undefined,
          { cause: err, retryable: true },
        );
      }
      if (res.statusCode === 401 && !refreshed && options.replayable !== false) {
        await res.body.dump();
        token = (await this.access.renew(token)).accessToken;
        this.cachedToken = { value: token, until: Date.now() + tokenReuseMs };
        continue;
      }
      // Refused even though just renewed: the engine records the connection as expired.
      if (res.statusCode === 401 && refreshed)
        await this.access.rejected?.(token, `${method} ${this.describe(url)}`);
      if (res.statusCode >= 400) throw await this.failure(method, url, res);
      return res;
    }
  }

  /** The URL without query (which may name documents) for messages. */
  private describe(url: string): string {
    return url.split('?')[0]!;
  }

  private async failure(method: string, url: string, res: Dispatcher.ResponseData): Promise<AppError> {
    const text = await res.body.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as {
        error?: { code?: string; message?: string } | string;
        message?: string;
      };
      message =
        typeof parsed.error === 'object'
          ? `${parsed.error.code ?? ''} ${parsed.error.message ?? ''}`.trim()
          : (parsed.message ?? String(parsed.error ?? message));
    } catch {
      // not JSON: keep the start of the text
    }
    const where = `${method} ${this.describe(url)}`;
    const status = res.statusCode;
    if (status === 404)
      return new AppError(
        'connector_item_not_found',
        `${where}: ${message || 'not found'}. The item does not exist or you have no access to it.`,
      );
    if (status === 403)
      return new AppError('connector_access_denied', `${where}: ${message || 'access denied'}.`);
    if (status === 409)
      return new AppError('connector_item_in_use', `${where}: ${message || 'the item is in use'}.`);
    if (status === 429) {
      const wait = retryAfterMs(res.headers);
      return new AppError(
        'connector_rate_limited',
        wait !== undefined
          ? `The iManage server asks Lexbridge to wait ${Math.ceil(wait / 1000)} s before trying again.`
          : `${where}: the iManage server is limiting requests.`,
        wait !== undefined ? { retryAfterSeconds: Math.ceil(wait / 1000) } : undefined,
        { retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) },
      );
    }
    if (status === 401)
      return new AppError(
        'connection_expired',
        `${where}: iManage did not accept the access token even after renewing it. Re-authorise the connector.`,
      );
    return new AppError(
      'connector_error',
      `${where} answered ${status}: ${message || 'no details'}.`,
      undefined,
      {
        retryable: status >= 500,
      },
    );
  }

  async json<T>(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, { idempotent: method === 'GET', ...options });
    if (res.statusCode === 204) {
      await res.body.dump();
      return undefined as T;
    }
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Seconds from Retry-After or iManage's x-ratelimit-retryafter, in milliseconds. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>): number | undefined {
  for (const name of ['retry-after', 'x-ratelimit-retryafter']) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}

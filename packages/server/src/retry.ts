import { setTimeout as sleep } from 'node:timers/promises';
import { countRetry } from './metrics/registry.ts';

/**
 * The one retry policy. Connector clients and the workflow engine both retry through `withRetries`:
 * exponential backoff with jitter, a server's Retry-After honoured up to a bound, and every wait cut
 * short when the caller's signal aborts (a cancelled run, a stopping worker).
 *
 * Failures say for themselves whether another attempt is worth it (`retryable`, with an optional
 * `retryAfterMs`): clients map 429, 5xx and dropped connections to retryable errors. Once
 * `withRetries` gives up on an error it is marked exhausted, so that an outer caller does not retry it
 * all over again: retries never stack (only the run as a whole is tried again later, by the queue).
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one fails at once (the caller reports it). */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** A failure that knows whether it is worth another attempt (AppError and ContentError are). */
export interface RetryHint {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const exhausted = new WeakSet<object>();

function hinted(err: unknown): RetryHint | undefined {
  return err && typeof err === 'object' && typeof (err as RetryHint).retryable === 'boolean'
    ? (err as RetryHint)
    : undefined;
}

/**
 * True for failures worth another attempt: those that say so, and dropped connections. With
 * `includeExhausted`, also those an inner `withRetries` already gave up on (for a later, whole retry).
 */
export function isRetryable(err: unknown, options: { includeExhausted?: boolean } = {}): boolean {
  if (!options.includeExhausted && err && typeof err === 'object' && exhausted.has(err)) return false;
  const hint = hinted(err);
  if (hint) return hint.retryable;
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && transientCodes.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The wait before attempt `attempt + 1`: the server's hint, else exponential backoff with jitter. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs fn until it succeeds, fails for good, the attempts run out, or the signal aborts (which
 * rejects at once, even in the middle of a wait). A Retry-After longer than the policy allows is not
 * waited for: the error is thrown as it is.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted || !isRetryable(err)) throw err;
      const hint = hinted(err)?.retryAfterMs;
      if (attempt >= policy.attempts || (hint !== undefined && hint > policy.maxRetryAfterMs)) {
        if (err && typeof err === 'object') exhausted.add(err);
        throw err;
      }
      const delay = retryDelayMs(attempt, policy, hint);
      countRetry(delay, hint !== undefined);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}

/** Codes of a system that did not answer at all: refused, reset, timed out, or not found in DNS. */
const unansweredCodes = new Set([
  ...transientCodes,
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * True when a failure says the system is not answering (an outage) rather than refusing this one
 * request: the connection was refused, reset or timed out, its name did not resolve, or a retryable
 * failure (a 5xx) outlasted its retries. A rate limit is the system answering, so it is no outage.
 */
export function isOutage(err: unknown): boolean {
  let current: unknown = err;
  let exhaustedRetryable = false;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'connector_rate_limited' || code === 'content_invalid') return false;
    if (typeof code === 'string' && unansweredCodes.has(code)) return true;
    if (exhausted.has(current) && hinted(current)?.retryable) exhaustedRetryable = true;
    current = (current as { cause?: unknown }).cause;
  }
  return exhaustedRetryable;
}

/** Gives `to` (an error translated from `from`) the exhausted mark of `from`; returns `to`. */
export function carryRetryState<T>(from: unknown, to: T): T {
  if (from && typeof from === 'object' && exhausted.has(from) && to && typeof to === 'object')
    exhausted.add(to);
  return to;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { ContentError } from '../connectors/content.ts';

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

/** True for failures worth another attempt: 429, 5xx and dropped connections. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ContentError) return err.retryable;
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && transientCodes.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface RetryOptions {
  attempts?: number;
  /** First backoff in milliseconds; doubled each time, with jitter, capped at 30 s. */
  baseDelayMs?: number;
  signal?: AbortSignal;
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
}

/** Runs fn until it succeeds, fails for good, or the attempts run out; honours Retry-After. */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err) || options.signal?.aborted) throw err;
      const hinted = err instanceof ContentError ? err.options.retryAfterMs : undefined;
      const backoff = Math.min(30_000, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
      const delay = hinted ?? Math.round(backoff * (0.75 + Math.random() / 2));
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}

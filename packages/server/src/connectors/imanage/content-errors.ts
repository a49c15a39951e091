import { AppError, isAppError } from '../../errors.ts';
import { carryRetryState } from '../../retry.ts';
import { ContentError } from '../content.ts';

/** Translates the client's errors into the engine's: what is retryable, what needs re-authorisation. */
export function contentErrorFrom(err: unknown): unknown {
  if (!isAppError(err)) return err;
  const translated = (code: ConstructorParameters<typeof ContentError>[0]) =>
    carryRetryState(
      err,
      new ContentError(code, err.message, {
        cause: err,
        retryable: err.retryable,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      }),
    );
  switch (err.code) {
    case 'connector_item_not_found':
      return translated('content_not_found');
    case 'connector_access_denied':
      return translated('content_access_denied');
    case 'connection_expired':
    case 'connection_not_authorised':
      return translated('content_reauthorise');
    case 'connector_item_in_use':
      return translated('content_conflict');
    case 'connector_rate_limited':
    case 'connector_unreachable':
      return translated('content_unavailable');
    case 'connector_error':
      // A refusal iManage will repeat (a 4xx, a profile it rejects) is about the item, not an outage.
      return translated(err.retryable ? 'content_unavailable' : 'content_invalid');
    default:
      return err;
  }
}

/** Runs a client call with its errors translated. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw contentErrorFrom(err);
  }
}

/** Iterates a client listing with its errors translated. */
export async function* eachOf<T>(items: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = items[Symbol.asyncIterator]();
  for (;;) {
    const next = await storeCall(() => iterator.next());
    if (next.done) return;
    yield next.value;
  }
}

export async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of eachOf(items)) out.push(item);
  return out;
}

/** The error of opening a store: a translated one, or the AppError itself. */
export function openingError(err: unknown): unknown {
  const translated = contentErrorFrom(err);
  if (translated instanceof ContentError) return translated;
  return err instanceof AppError ? err : translated;
}

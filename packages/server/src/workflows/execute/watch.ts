import type { Readable } from 'node:stream';
import type { ContentStore } from '../../connectors/content.ts';
import { type Side, tagSide } from '../outage.ts';

/**
 * The store as the executor uses it, with every failure marked as coming from `side` (outage.ts), so
 * that a run knows which system stopped answering: promise results, listings and read streams alike.
 */
export function sideTagged(store: ContentStore, side: Side): ContentStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          tagSide(err, side);
          throw err;
        }
        if (result instanceof Promise)
          return result.then(
            (resolved: unknown) => (key === 'openRead' ? taggedRead(resolved, side) : resolved),
            (err: unknown) => {
              tagSide(err, side);
              throw err;
            },
          );
        if (result && typeof result === 'object' && Symbol.asyncIterator in result)
          return taggedListing(result as AsyncIterable<unknown>, side);
        return result;
      };
    },
  });
}

function taggedRead(opened: unknown, side: Side): unknown {
  const stream = (opened as { stream?: Readable } | undefined)?.stream;
  stream?.on('error', (err) => tagSide(err, side));
  return opened;
}

async function* taggedListing<T>(listing: AsyncIterable<T>, side: Side): AsyncIterable<T> {
  try {
    yield* listing;
  } catch (err) {
    tagSide(err, side);
    throw err;
  }
}

import { AppError } from '../../errors.ts';
import {
  type DocumentProfile,
  type DocumentSearch,
  libraryOf,
  maxPageSize,
  pageSizeOf,
  type WorkProfile,
} from './work-api.ts';
import type { WorkApiTransport } from './work-api-transport.ts';

/**
 * The Work API's paged listings, each bounded: a page seen before, a cursor given twice or a listing
 * short of its announced total stops with a clear error, never an endless loop or a silent partial list.
 */
type Api = Pick<WorkApiTransport, 'json'>;
const enc = encodeURIComponent;

export async function* listWorkspaces(
  api: Api,
  library: string,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncIterable<WorkProfile> {
  const limit = pageSizeOf(options.pageSize);
  const path = `/libraries/${enc(library)}/workspaces`;
  const pages = new PageGuard(`GET ${path}`);
  for (let offset = 0, count = 0; ; offset += limit) {
    const body = await api.json<Paged<WorkProfile>>('GET', path, {
      query: { limit, offset, total: true },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { results, total } = pageOf(body);
    if (results.length === 0 || !pages.fresh(results)) return pages.complete(count, total);
    count += results.length;
    yield* results;
    if (results.length < limit || (total !== undefined && count >= total))
      return pages.complete(count, total);
  }
}

export async function* listChildren(
  api: Api,
  containerId: string,
  options: {
    kind?: 'workspace' | 'folder';
    pageSize?: number;
    excludeDocuments?: boolean;
    signal?: AbortSignal;
  } = {},
): AsyncIterable<WorkProfile> {
  const limit = pageSizeOf(options.pageSize, maxPageSize);
  const path = `/libraries/${enc(libraryOf(containerId))}/${options.kind === 'workspace' ? 'workspaces' : 'folders'}/${enc(containerId)}/children`;
  const pages = new PageGuard(`GET ${path}`);
  for (let offset = 0; ; offset += limit) {
    const body = await api.json<Paged<WorkProfile>>('GET', path, {
      query: {
        limit,
        ...(offset ? { offset } : {}),
        ...(options.excludeDocuments ? { exclude_docs: true } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { results } = pageOf(body);
    if (results.length === 0) return;
    if (!pages.fresh(results))
      throw new AppError(
        'connector_error',
        `${pages.what} answers the same ${limit} items whatever the offset, so the rest of ${containerId} cannot be listed this way; Lexbridge stopped rather than miss items.`,
      );
    yield* results;
    if (results.length < limit) return;
  }
}

export async function* searchDocuments(
  api: Api,
  library: string,
  filters: DocumentSearch,
  options: { paging?: 'offset' | 'cursor'; pageSize?: number; signal?: AbortSignal } = {},
): AsyncIterable<DocumentProfile> {
  const limit = pageSizeOf(options.pageSize);
  const cursorMode = options.paging !== 'offset';
  const path = `/libraries/${enc(library)}/documents`;
  const pages = new PageGuard(`GET ${path}`);
  const cursors = new Set<string>();
  let offset = 0;
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const body = await api.json<Paged<DocumentProfile>>('GET', path, {
      query: {
        ...filters,
        limit,
        ...(cursorMode ? { paging_mode: 'standard_cursor', cursor } : { offset, total: true }),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const page = pageOf(body);
    if (page.results.length === 0) return pages.complete(count, page.total);
    if (!cursorMode && !pages.fresh(page.results))
      throw new AppError(
        'connector_error',
        `${pages.what} answered the same page for offset ${offset}; Lexbridge stopped rather than miss documents.`,
      );
    count += page.results.length;
    yield* page.results;
    if (cursorMode) {
      // The cursor may sit inside `data` or beside it; no cursor means the last page.
      if (!page.cursor) return pages.complete(count, page.total);
      if (cursors.has(page.cursor))
        throw new AppError(
          'connector_error',
          `${pages.what} gave the same cursor twice; Lexbridge stopped rather than loop or miss documents.`,
        );
      cursors.add(page.cursor);
      cursor = page.cursor;
    } else {
      if (page.results.length < limit || (page.total !== undefined && count >= page.total))
        return pages.complete(count, page.total);
      offset += limit;
    }
  }
}

/** A search or listing answer: results in `data` (or `data.results`), cursor and total inside `data` or beside it. */
type Paged<T> = {
  data?: T[] | { results?: T[]; cursor?: string; total_count?: number };
  cursor?: string;
  total_count?: number;
};

function pageOf<T>(body: Paged<T> | undefined): { results: T[]; cursor?: string; total?: number } {
  const data = body?.data;
  const inner = Array.isArray(data) ? undefined : data;
  const results = Array.isArray(data) ? data : (inner?.results ?? []);
  const cursor = inner?.cursor ?? body?.cursor;
  const total = inner?.total_count ?? body?.total_count;
  return {
    results,
    ...(typeof cursor === 'string' && cursor !== '' ? { cursor } : {}),
    ...(typeof total === 'number' ? { total } : {}),
  };
}

/** Recognises a page seen before (a server ignoring offset or cursor) and a listing short of its total. */
class PageGuard {
  private readonly seen = new Set<string>();
  constructor(readonly what: string) {}
  fresh(results: { id?: unknown }[]): boolean {
    const key = `${String(results[0]?.id)}…${String(results.at(-1)?.id)}#${results.length}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
  /** A listing that ends short of the total the server announced is an error: never a silent partial list. */
  complete(count: number, total: number | undefined): void {
    if (total !== undefined && count < total)
      throw new AppError(
        'connector_error',
        `${this.what} announced ${total} items but its pages held ${count}; Lexbridge stopped rather than miss the rest.`,
        undefined,
        { retryable: true },
      );
  }
}

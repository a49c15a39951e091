import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { AppError } from '../../errors.ts';
import { defaultRetryPolicy, type RetryPolicy, withRetries } from '../../retry.ts';
import type { UserAccess } from '../plugin.ts';
import { type DiscoveryDocument, imanageAccountDetails } from './discovery.ts';
import { apiBaseOn, type ImanageServer } from './server.ts';

/**
 * A typed client of the iManage Work API v2 for one user's connection, used by workflows. Every call
 * sends the user's token as X-Auth-Token (never logged) and renews it once on 401. A 429 (with
 * Retry-After or x-ratelimit-retryafter), a 5xx or a dropped connection is a retryable AppError;
 * idempotent calls are retried here by the one retry policy (retry.ts), others are left to the
 * caller. Every wait ends when the client's signal (the run's) or the call's aborts. Downloads and
 * uploads stream.
 */
export interface WorkProfile {
  id: string;
  name?: string;
  wstype?: string;
  database?: string;
  parent_id?: string;
  workspace_id?: string;
  edit_date?: string;
  [field: string]: unknown;
}

export interface DocumentProfile extends WorkProfile {
  document_number?: number;
  version?: number;
  extension?: string;
  size?: number;
  checksum?: string;
}

export interface Library {
  id: string;
  display_name?: string;
  type?: string;
  [field: string]: unknown;
}

export interface DocumentSearch {
  container_id?: string;
  include_subtree?: boolean;
  edit_date_from?: string;
  name?: string;
  [filter: string]: string | number | boolean | undefined;
}

export interface Download {
  stream: Readable;
  size?: number;
  filename?: string;
  contentType?: string;
}

export interface NewDocument {
  /** Name without extension, as iManage keeps it. */
  name: string;
  extension: string;
  size: number;
  /** The bytes; a factory lets the client replay the upload after a 401 or 429. */
  content: Readable | (() => Readable);
  /** Extra doc_profile fields (class, author, custom1…). */
  profile?: Record<string, unknown>;
  comment?: string;
  signal?: AbortSignal;
}

export interface WorkApiClient {
  readonly apiBaseUrl: string;
  readonly customerId: number | string;
  discovery(): Promise<DiscoveryDocument>;
  libraries(): Promise<Library[]>;
  getWorkspace(id: string): Promise<WorkProfile>;
  searchWorkspaces(library: string, filters?: { name?: string; limit?: number }): Promise<WorkProfile[]>;
  /** Every workspace of a library the user can see, by the paged workspace search. */
  listWorkspaces(
    library: string,
    options?: { pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<WorkProfile>;
  getFolder(id: string): Promise<WorkProfile>;
  /**
   * Folders and documents directly inside a workspace or folder. One page of up to 9999 (servers
   * may ignore `offset` on /children): a full page is followed by one more only while the server
   * honours offset; a repeated page is an error, never an endless loop. Documents are better listed
   * by `searchDocuments` with `container_id` (cursor-paged).
   */
  listChildren(
    containerId: string,
    options?: {
      kind?: 'workspace' | 'folder';
      pageSize?: number;
      excludeDocuments?: boolean;
      signal?: AbortSignal;
    },
  ): AsyncIterable<WorkProfile>;
  /** Documents matching filters; `paging: 'cursor'` is stable while documents change. */
  searchDocuments(
    library: string,
    filters: DocumentSearch,
    options?: { paging?: 'offset' | 'cursor'; pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<DocumentProfile>;
  getDocument(id: string): Promise<DocumentProfile>;
  listVersions(id: string): Promise<DocumentProfile[]>;
  download(id: string, options?: { signal?: AbortSignal }): Promise<Download>;
  uploadDocument(folderId: string, document: NewDocument): Promise<DocumentProfile>;
  addVersion(
    documentId: string,
    document: Omit<NewDocument, 'name'> & { name?: string },
  ): Promise<DocumentProfile>;
  createFolder(workspaceId: string, folder: { name: string; description?: string }): Promise<WorkProfile>;
  createSubfolder(folderId: string, folder: { name: string; description?: string }): Promise<WorkProfile>;
  renameFolder(folderId: string, name: string): Promise<WorkProfile>;
  deleteDocument(id: string): Promise<void>;
  deleteFolder(id: string): Promise<void>;
}

export { defaultRetryPolicy, type RetryPolicy };

/** The library part of an iManage id: "ACTIVE!123.1" → "ACTIVE". */
export function libraryOf(id: string): string {
  const bang = id.indexOf('!');
  if (bang <= 0)
    throw new AppError('connector_item_not_found', `"${id}" is not an iManage id (LIBRARY!number).`);
  return id.slice(0, bang);
}

const enc = encodeURIComponent;
/** The Work API's page sizes: 500 unless asked, at most 9999. */
const defaultPageSize = 500;
const maxPageSize = 9999;
const pageSizeOf = (asked: number | undefined, fallback = defaultPageSize) =>
  Math.min(maxPageSize, Math.max(1, Math.floor(asked ?? fallback)));
/** How long one client reuses an access token before reading it again (well inside refreshMarginMs). */
const tokenReuseMs = 10_000;

/** Opens a client on the user's connection to the connector. */
export async function openWorkApiClient(
  server: Pick<ImanageServer, 'dispatcher' | 'serverAddress'>,
  access: UserAccess,
  policy: RetryPolicy = defaultRetryPolicy,
  signal?: AbortSignal,
): Promise<WorkApiClient> {
  const first = await access.current();
  const details = imanageAccountDetails(first.account);
  return new HttpWorkApiClient(
    access,
    server.dispatcher,
    server.serverAddress,
    apiBaseOn(server.serverAddress, details.apiBaseUrl),
    details.customerId ?? '',
    policy,
    signal,
  );
}

type Body =
  | { json: unknown }
  | { multipart: () => { body: Readable; contentType: string; length: number } }
  | undefined;

interface CallOptions {
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

class HttpWorkApiClient implements WorkApiClient {
  constructor(
    private readonly access: UserAccess,
    private readonly dispatcher: Dispatcher,
    private readonly serverAddress: string,
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
  private send(
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
        res = await request(url, {
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
        if (signal?.aborted) throw err;
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

  private async json<T>(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, { idempotent: method === 'GET', ...options });
    if (res.statusCode === 204) {
      await res.body.dump();
      return undefined as T;
    }
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async discovery(): Promise<DiscoveryDocument> {
    const body = await this.json<{ data: DiscoveryDocument }>('GET', '', {
      absolute: `${this.serverAddress}/api`,
    });
    return body.data;
  }

  async libraries(): Promise<Library[]> {
    return (await this.json<{ data: Library[] }>('GET', '/libraries')).data;
  }

  async getWorkspace(id: string): Promise<WorkProfile> {
    return (
      await this.json<{ data: WorkProfile }>('GET', `/libraries/${enc(libraryOf(id))}/workspaces/${enc(id)}`)
    ).data;
  }

  async searchWorkspaces(
    library: string,
    filters: { name?: string; limit?: number } = {},
  ): Promise<WorkProfile[]> {
    const body = await this.json<{ data: { results?: WorkProfile[] } | WorkProfile[] }>(
      'GET',
      `/libraries/${enc(library)}/workspaces`,
      { query: filters },
    );
    return Array.isArray(body.data) ? body.data : (body.data.results ?? []);
  }

  async getFolder(id: string): Promise<WorkProfile> {
    return (
      await this.json<{ data: WorkProfile }>('GET', `/libraries/${enc(libraryOf(id))}/folders/${enc(id)}`)
    ).data;
  }

  async *listWorkspaces(
    library: string,
    options: { pageSize?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<WorkProfile> {
    const limit = pageSizeOf(options.pageSize);
    const path = `/libraries/${enc(library)}/workspaces`;
    const pages = new PageGuard(`GET ${path}`);
    for (let offset = 0, count = 0; ; offset += limit) {
      const body = await this.json<Paged<WorkProfile>>('GET', path, {
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

  async *listChildren(
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
      const body = await this.json<Paged<WorkProfile>>('GET', path, {
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

  async *searchDocuments(
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
      const body = await this.json<Paged<DocumentProfile>>('GET', path, {
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

  async getDocument(id: string): Promise<DocumentProfile> {
    return (
      await this.json<{ data: DocumentProfile }>(
        'GET',
        `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}`,
      )
    ).data;
  }

  async listVersions(id: string): Promise<DocumentProfile[]> {
    return (
      await this.json<{ data: DocumentProfile[] }>(
        'GET',
        `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}/versions`,
      )
    ).data;
  }

  async download(id: string, options: { signal?: AbortSignal } = {}): Promise<Download> {
    const res = await this.send('GET', `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}/download`, {
      idempotent: true,
      ...options,
    });
    const length = Number(res.headers['content-length']);
    const filename = filenameFrom(String(res.headers['content-disposition'] ?? ''));
    return {
      stream: res.body as unknown as Readable,
      ...(Number.isFinite(length) && res.headers['content-length'] !== undefined ? { size: length } : {}),
      ...(filename ? { filename } : {}),
      ...(res.headers['content-type'] ? { contentType: String(res.headers['content-type']) } : {}),
    };
  }

  private upload(
    path: string,
    document: Omit<NewDocument, 'name'> & { name?: string },
  ): Promise<DocumentProfile> {
    const profile = {
      warnings_for_required_and_disabled_fields: true,
      doc_profile: {
        ...(document.name ? { name: document.name } : {}),
        extension: document.extension,
        size: document.size,
        ...document.profile,
      },
      // Client, matter and the other folder fields come from the folder, as iManage's own clients ask.
      inherit_profile_from_folder: true,
      ...(document.comment ? { audit: { comments: document.comment } } : {}),
    };
    const fileName = `${document.name ?? 'document'}${document.extension ? `.${document.extension}` : ''}`;
    const replayable = typeof document.content === 'function';
    let used = false;
    const multipart = () => {
      if (used && !replayable)
        throw new AppError(
          'connector_error',
          'The upload cannot be sent again: its content was a one-time stream.',
        );
      used = true;
      const content = typeof document.content === 'function' ? document.content() : document.content;
      return multipartBody(JSON.stringify(profile), fileName, content, document.size);
    };
    return this.json<{ data: DocumentProfile }>('POST', path, {
      body: { multipart },
      replayable,
      idempotent: false,
      ...(document.signal ? { signal: document.signal } : {}),
    }).then((b) => b.data);
  }

  uploadDocument(folderId: string, document: NewDocument): Promise<DocumentProfile> {
    return this.upload(`/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}/documents`, document);
  }

  async addVersion(
    documentId: string,
    document: Omit<NewDocument, 'name'> & { name?: string },
  ): Promise<DocumentProfile> {
    // A version upload names the document too; without a name, keep the current one.
    const name = document.name ?? (await this.getDocument(documentId)).name;
    return this.upload(`/libraries/${enc(libraryOf(documentId))}/documents/${enc(documentId)}/versions`, {
      ...document,
      ...(name ? { name } : {}),
    });
  }

  async createFolder(
    workspaceId: string,
    folder: { name: string; description?: string },
  ): Promise<WorkProfile> {
    return (
      await this.json<{ data: WorkProfile }>(
        'POST',
        `/libraries/${enc(libraryOf(workspaceId))}/workspaces/${enc(workspaceId)}/folders`,
        { body: { json: folder } },
      )
    ).data;
  }

  async createSubfolder(
    folderId: string,
    folder: { name: string; description?: string },
  ): Promise<WorkProfile> {
    return (
      await this.json<{ data: WorkProfile }>(
        'POST',
        `/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}/subfolders`,
        { body: { json: folder } },
      )
    ).data;
  }

  async renameFolder(folderId: string, name: string): Promise<WorkProfile> {
    return (
      await this.json<{ data: WorkProfile }>(
        'PATCH',
        `/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}`,
        { body: { json: { name } }, idempotent: true },
      )
    ).data;
  }

  async deleteDocument(id: string): Promise<void> {
    await this.json('DELETE', `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}`, { idempotent: true });
  }

  async deleteFolder(id: string): Promise<void> {
    await this.json('DELETE', `/libraries/${enc(libraryOf(id))}/folders/${enc(id)}`, { idempotent: true });
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

function filenameFrom(disposition: string): string | undefined {
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall back to the plain parameter
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}

/** A multipart/form-data body (profile JSON + file) that streams the file; its length is exact. */
function multipartBody(
  profileJson: string,
  fileName: string,
  content: Readable,
  size: number,
): { body: Readable; contentType: string; length: number } {
  const boundary = `lexbridge-${randomBytes(12).toString('hex')}`;
  const safeName = fileName.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    // The profile part is typed application/json, as iManage's own samples send it.
    `--${boundary}\r\nContent-Disposition: form-data; name="profile"\r\nContent-Type: application/json\r\n\r\n${profileJson}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    let sent = 0;
    for await (const chunk of content) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== size)
      throw new AppError(
        'connector_error',
        `The upload of ${fileName} was ${sent} bytes, not the ${size} declared.`,
      );
    yield tail;
  }
  return {
    body: Readable.from(parts()),
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
  };
}

import type { Readable } from 'node:stream';
import { defaultRetryPolicy, type RetryPolicy } from '../../retry.ts';
import type { UserAccess } from '../plugin.ts';
import { type DiscoveryDocument, imanageAccountDetails } from './discovery.ts';
import { apiBaseOn, type ImanageServer } from './server.ts';
import {
  type DocumentProfile,
  type DocumentSearch,
  type Download,
  type Library,
  libraryOf,
  type NewDocument,
  type WorkApiClient,
  type WorkProfile,
} from './work-api.ts';
import { listChildren, listWorkspaces, searchDocuments } from './work-api-paging.ts';
import { WorkApiTransport } from './work-api-transport.ts';
import { filenameFrom, upload } from './work-api-upload.ts';

/**
 * A typed client of the iManage Work API v2 for one user's connection, used by workflows. Every call
 * sends the user's token as X-Auth-Token (never logged) and renews it once on 401. A 429 (with
 * Retry-After or x-ratelimit-retryafter), a 5xx or a dropped connection is a retryable AppError;
 * idempotent calls are retried here by the one retry policy (retry.ts), others are left to the
 * caller. Every wait ends when the client's signal (the run's) or the call's aborts. Downloads and
 * uploads stream.
 */
export type {
  DocumentProfile,
  DocumentSearch,
  Download,
  Library,
  NewDocument,
  WorkApiClient,
  WorkProfile,
} from './work-api.ts';
export { libraryOf } from './work-api.ts';
export { retryAfterMs } from './work-api-transport.ts';
export { defaultRetryPolicy, type RetryPolicy };

const enc = encodeURIComponent;

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
    new WorkApiTransport(
      access,
      server.dispatcher,
      server.serverAddress,
      apiBaseOn(server.serverAddress, details.apiBaseUrl),
      details.customerId ?? '',
      policy,
      signal,
    ),
  );
}

class HttpWorkApiClient implements WorkApiClient {
  readonly apiBaseUrl: string;
  readonly customerId: number | string;
  constructor(private readonly api: WorkApiTransport) {
    this.apiBaseUrl = api.apiBaseUrl;
    this.customerId = api.customerId;
  }

  async discovery(): Promise<DiscoveryDocument> {
    const body = await this.api.json<{ data: DiscoveryDocument }>('GET', '', {
      absolute: `${this.api.serverAddress}/api`,
    });
    return body.data;
  }

  async libraries(): Promise<Library[]> {
    return (await this.api.json<{ data: Library[] }>('GET', '/libraries')).data;
  }

  async getWorkspace(id: string): Promise<WorkProfile> {
    return (
      await this.api.json<{ data: WorkProfile }>(
        'GET',
        `/libraries/${enc(libraryOf(id))}/workspaces/${enc(id)}`,
      )
    ).data;
  }

  async searchWorkspaces(
    library: string,
    filters: { name?: string; limit?: number } = {},
  ): Promise<WorkProfile[]> {
    const body = await this.api.json<{ data: { results?: WorkProfile[] } | WorkProfile[] }>(
      'GET',
      `/libraries/${enc(library)}/workspaces`,
      { query: filters },
    );
    return Array.isArray(body.data) ? body.data : (body.data.results ?? []);
  }

  async getFolder(id: string): Promise<WorkProfile> {
    return (
      await this.api.json<{ data: WorkProfile }>('GET', `/libraries/${enc(libraryOf(id))}/folders/${enc(id)}`)
    ).data;
  }

  listWorkspaces(library: string, options?: { pageSize?: number; signal?: AbortSignal }) {
    return listWorkspaces(this.api, library, options);
  }

  listChildren(containerId: string, options?: Parameters<WorkApiClient['listChildren']>[1]) {
    return listChildren(this.api, containerId, options);
  }

  searchDocuments(
    library: string,
    filters: DocumentSearch,
    options?: Parameters<WorkApiClient['searchDocuments']>[2],
  ) {
    return searchDocuments(this.api, library, filters, options);
  }

  async getDocument(id: string): Promise<DocumentProfile> {
    return (
      await this.api.json<{ data: DocumentProfile }>(
        'GET',
        `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}`,
      )
    ).data;
  }

  async listVersions(id: string): Promise<DocumentProfile[]> {
    return (
      await this.api.json<{ data: DocumentProfile[] }>(
        'GET',
        `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}/versions`,
      )
    ).data;
  }

  async download(id: string, options: { signal?: AbortSignal } = {}): Promise<Download> {
    const res = await this.api.send('GET', `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}/download`, {
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

  uploadDocument(folderId: string, document: NewDocument): Promise<DocumentProfile> {
    return upload(
      this.api,
      `/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}/documents`,
      document,
    );
  }

  async addVersion(
    documentId: string,
    document: Omit<NewDocument, 'name'> & { name?: string },
  ): Promise<DocumentProfile> {
    // A version upload names the document too; without a name, keep the current one.
    const name = document.name ?? (await this.getDocument(documentId)).name;
    return upload(
      this.api,
      `/libraries/${enc(libraryOf(documentId))}/documents/${enc(documentId)}/versions`,
      {
        ...document,
        ...(name ? { name } : {}),
      },
    );
  }

  async createFolder(
    workspaceId: string,
    folder: { name: string; description?: string },
  ): Promise<WorkProfile> {
    return (
      await this.api.json<{ data: WorkProfile }>(
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
      await this.api.json<{ data: WorkProfile }>(
        'POST',
        `/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}/subfolders`,
        { body: { json: folder } },
      )
    ).data;
  }

  async renameFolder(folderId: string, name: string): Promise<WorkProfile> {
    return (
      await this.api.json<{ data: WorkProfile }>(
        'PATCH',
        `/libraries/${enc(libraryOf(folderId))}/folders/${enc(folderId)}`,
        { body: { json: { name } }, idempotent: true },
      )
    ).data;
  }

  async deleteDocument(id: string): Promise<void> {
    await this.api.json('DELETE', `/libraries/${enc(libraryOf(id))}/documents/${enc(id)}`, {
      idempotent: true,
    });
  }

  async deleteFolder(id: string): Promise<void> {
    await this.api.json('DELETE', `/libraries/${enc(libraryOf(id))}/folders/${enc(id)}`, {
      idempotent: true,
    });
  }
}

import type { Readable } from 'node:stream';
import { AppError } from '../../errors.ts';
import type { DiscoveryDocument } from './discovery.ts';

/**
 * The Work API v2 as Lexbridge sees it: the profiles it answers and the calls of a client on one
 * user's connection (work-api-client.ts implements them over HTTP).
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

/** The library part of an iManage id: "ACTIVE!123.1" → "ACTIVE". */
export function libraryOf(id: string): string {
  const bang = id.indexOf('!');
  if (bang <= 0)
    throw new AppError('connector_item_not_found', `"${id}" is not an iManage id (LIBRARY!number).`);
  return id.slice(0, bang);
}

/** The Work API's page sizes: 500 unless asked, at most 9999. */
export const defaultPageSize = 500;
export const maxPageSize = 9999;
export const pageSizeOf = (asked: number | undefined, fallback = defaultPageSize) =>
  Math.min(maxPageSize, Math.max(1, Math.floor(asked ?? fallback)));

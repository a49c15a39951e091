import type { Readable } from 'node:stream';

/**
 * What the workflow engine needs from a connected system, opened for one user's connection. Each
 * connector type that can be a workflow source or target implements it; the engine knows connectors
 * only through this interface. (First cut: the workflows feature owns and refines it.)
 */
export interface ContentItem {
  /** The system's stable id (iManage `LIB!123` or `LIB!123.4`; a relative path for a local folder). */
  id: string;
  kind: 'folder' | 'document';
  name: string;
  parentId: string | null;
  size?: number;
  modifiedAt?: Date;
  /** Version number where the system keeps versions. */
  version?: number;
  /** `sha256:<hex>` where the system reports one. */
  checksum?: string;
}

export interface ContentStore {
  /** Resolves a location chosen in the UI to its item, or throws not found / no access. */
  getItem(id: string): Promise<ContentItem>;
  listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem>;
  openRead(item: ContentItem, signal?: AbortSignal): Promise<{ stream: Readable; size?: number }>;
  /** Writes a document; it appears only once complete. Replaces `existingId`'s content when given. */
  writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: { size?: number; existingId?: string; signal?: AbortSignal },
  ): Promise<ContentItem>;
  createFolder(parentId: string, name: string): Promise<ContentItem>;
  delete(item: ContentItem): Promise<void>;
  /** The user's effective rights on a location. */
  rights(id: string): Promise<{ read: boolean; write: boolean }>;
}

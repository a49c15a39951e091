import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { addAbortSignal, type Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * What the workflow engine needs from a connected system, opened for one user's connection. Each
 * connector type that can be a workflow source or target implements it; the engine knows connectors
 * only through this interface (see workflows/content-stores.ts for `openContentStore`).
 */
export interface ContentItem {
  /** The system's stable id (iManage `LIB!123` for a document across versions; a relative path for a local folder). */
  id: string;
  kind: 'folder' | 'document';
  name: string;
  parentId: string | null;
  size?: number;
  modifiedAt?: Date;
  /** Version label where the system keeps versions (iManage version number). */
  version?: string;
  /** `sha256:<hex>` where the system reports one. */
  checksum?: string;
  /**
   * Where ids are paths (local folders), a stable identity such as device:inode, so that the engine
   * recognises a renamed or moved item instead of deleting and copying it again.
   */
  identity?: string;
  /** Facts about a document worth carrying to another system (see `DocumentMetadata`). */
  metadata?: DocumentMetadata;
  /** Where people open the item in the system's own web interface, where the system reports it. */
  webUrl?: string;
}

/**
 * What a document says about itself beyond its name and bytes, as its system reports it. A source
 * store fills what it knows; a target store carries what it can hold (SharePoint columns, the iManage
 * profile comment) and ignores the rest. All values are plain text for people to read.
 */
export interface DocumentMetadata {
  /** Who wrote it (iManage author, SharePoint "Created by"). */
  author?: string;
  /** Who changed it last. */
  modifiedBy?: string;
  /** The system's own document number (iManage `LIB!123`). */
  number?: string;
  /** The version people know it by (iManage version 3). */
  version?: string;
  /** The system's name for where it came from ("iManage", "SharePoint"), for comments. */
  system?: string;
}

export interface ContentVersion {
  /** Passed back to `openRead` to read this version. */
  id: string;
  version: string;
  /** False for minor versions where the system distinguishes them. */
  major: boolean;
  size?: number;
  modifiedAt?: Date;
}

/** What names a system can hold; the engine makes other names safe (workflows/safe-names.ts). */
export interface NameRules {
  /** Forbid Windows-reserved characters and names and trailing dots/spaces. */
  windows: boolean;
  /** Longest name in UTF-8 bytes. */
  maxBytes: number;
  /**
   * The system's own rules beyond Windows' (e.g. SharePoint's reserved names), applied after them:
   * deterministic, and returning a name the system accepts.
   */
  adjust?(name: string): string;
}

export interface ContentStoreCapabilities {
  /** Documents have versions that can be listed and added. */
  versions: boolean;
  /** `changesSince` answers from an index rather than by walking the tree. */
  changeQuery: boolean;
  names: NameRules;
  /**
   * Writing a document under a name that exists replaces it (file systems): a rerun after a crash
   * cannot make a second copy, so the engine need not look for one first.
   */
  replacesByName: boolean;
}

/** The bytes a store actually wrote, measured as they were written. */
export interface WrittenDocument {
  item: ContentItem;
  size: number;
  /** Lower-case hex sha256 of the bytes written. */
  sha256: string;
}

export interface WriteDocumentOptions {
  /** Replace this document's content (or add a version where the system keeps versions). */
  existingId?: string;
  /** Where versions exist: add a new version rather than replacing the current one. */
  asNewVersion?: boolean;
  size?: number;
  signal?: AbortSignal;
  /**
   * Called once every byte is written and before the document becomes visible under its name; a throw
   * abandons the write and nothing appears. Systems that commit on upload call it after the upload and
   * delete what they created when it throws.
   */
  verify?(written: { size: number; sha256: string }): void | Promise<void>;
  /** Marks temporary files so that a later run can remove those a killed run left behind. */
  temporaryTag?: string;
  /** The source document's facts, for targets that can record them; stores ignore what they cannot hold. */
  metadata?: DocumentMetadata;
  /** Why this version is written (e.g. a two-way conflict), for systems that keep a comment per version. */
  comment?: string;
}

export interface ContentStore {
  readonly capabilities: ContentStoreCapabilities;
  /** Resolves an id to its item, or throws `content_not_found` / `content_access_denied`. */
  getItem(id: string, signal?: AbortSignal): Promise<ContentItem>;
  /** The item's ancestors, outermost first, not including the item. */
  ancestors(id: string, signal?: AbortSignal): Promise<ContentItem[]>;
  listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem>;
  /** The child called `name`, or null. */
  findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null>;
  /** Versions oldest first; only where `capabilities.versions`. */
  listVersions?(item: ContentItem, signal?: AbortSignal): Promise<ContentVersion[]>;
  /**
   * Documents beneath `rootId` changed at or after `since` (only where `capabilities.changeQuery`),
   * each with its `parentId`. `knownParent` tells the store where documents were last seen, which
   * spares it looking them up.
   */
  changesSince?(
    rootId: string,
    since: Date,
    options?: {
      signal?: AbortSignal;
      knownParent?(id: string): string | null | undefined | Promise<string | null | undefined>;
    },
  ): AsyncIterable<ContentItem>;
  /**
   * The newest change time among the documents this store listed or found changed, on the system's
   * own clock (undefined when it saw none): the engine starts the next `changesSince` from it rather
   * than from its own clock, which may differ from the system's.
   */
  changeWatermark?(): Date | undefined;
  openRead(
    item: ContentItem,
    options?: { versionId?: string; signal?: AbortSignal },
  ): Promise<{ stream: Readable; size?: number }>;
  /** Writes a document; it appears only once complete and verified. */
  writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options?: WriteDocumentOptions,
  ): Promise<WrittenDocument>;
  /** Creates a folder, or returns the existing folder of that name (so a rerun does not duplicate it). */
  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem>;
  /** Renames and/or moves an item. */
  relocate(
    item: ContentItem,
    target: { parentId: string; name: string },
    signal?: AbortSignal,
  ): Promise<ContentItem>;
  delete(item: ContentItem, signal?: AbortSignal): Promise<void>;
  /**
   * What the folder browser may offer in a folder (GET /api/workflows/locations): whether it holds
   * documents, and where sites can be searched by name. Without it, every folder holds documents.
   */
  browsing?(folderId: string): FolderBrowsing;
  /** The user's effective rights on a location. */
  rights(id: string, signal?: AbortSignal): Promise<{ read: boolean; write: boolean }>;
  /**
   * Takes away write, keeping read, from everyone the system lets Lexbridge's user change on the
   * folder and everything in it (an archive that leaves its source); says what it could not change.
   */
  restrictToRead?(folderId: string, signal?: AbortSignal): Promise<ReadOnlyOutcome>;
  /** Removes temporary files of killed runs beneath `rootId` whose tag `keep` rejects. */
  removeLeftovers?(rootId: string, keep: (tag: string) => boolean): Promise<number>;
  close?(): Promise<void>;
}

/** What the folder browser offers in one folder of a store (see `ContentStore.browsing`). */
export interface FolderBrowsing {
  holdsDocuments: boolean;
  /** A search box for sites by name: its label, and the folder of the matches (`{text}` is the name). */
  siteSearch?: { label: string; folderId: string };
}

/** What `restrictToRead` did. */
export interface ReadOnlyOutcome {
  /** Grants to people or groups changed from write to read. */
  madeReadOnly: number;
  /** Sharing links that let people edit, removed (they cannot be made read-only). */
  linksRemoved: number;
  /** Grants that still give write, which the system would not let Lexbridge change, in plain words. */
  left: string[];
}

/**
 * A failure a content store reports. `retryable` failures (429, 5xx, connection resets) are retried
 * by the engine with backoff, honouring `retryAfterMs`; `reauthorise` means the user's connection has
 * expired and the workflow must pause until they authorise it again.
 */
export class ContentError extends Error {
  constructor(
    readonly code:
      | 'content_not_found'
      | 'content_access_denied'
      | 'content_conflict'
      | 'content_unavailable'
      | 'content_reauthorise'
      | 'content_invalid',
    message: string,
    readonly options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause ? { cause: options.cause } : undefined);
    this.name = 'ContentError';
  }
  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
}

/** Streams `content` into `destination` and measures what passed: the size and sha256 of the bytes written. */
export async function writeMeasured(
  content: Readable,
  destination: Writable,
  signal?: AbortSignal,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(content, measure, destination, signal ? { signal } : {});
  return { size, sha256: hash.digest('hex') };
}

/**
 * Writes `content` to a new file at `path` (`flags` as for fs.open, e.g. 'wx') and measures it like
 * writeMeasured. Writes each chunk through one file handle as it arrives (hashing it on the way), which
 * costs noticeably less per file than a write stream behind a transform: it matters when copying many
 * small documents. Backpressure is the await on each write; the content stream is destroyed on failure
 * or when `signal` aborts (rejecting with an AbortError). The file is left in place on failure: the
 * caller removes it.
 */
export async function writeMeasuredFile(
  content: Readable,
  path: string,
  flags: string,
  signal?: AbortSignal,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  // The content may fail while the file is being opened, and a destroyed content stream may report
  // its error later (undici's body emits RequestAbortedError a tick after destroy): keep that from
  // becoming an uncaught 'error' event, which would end the process. The listener stays on a stream
  // this function destroyed; the loop below reports errors while reading.
  const ignore = () => undefined;
  content.on('error', ignore);
  const file = await open(path, flags).catch((err: unknown) => {
    content.destroy();
    throw err;
  });
  try {
    if (signal) addAbortSignal(signal, content);
    for await (const chunk of content as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(bytes);
      size += bytes.length;
      for (let offset = 0; offset < bytes.length; )
        offset += (await file.write(bytes, offset, bytes.length - offset)).bytesWritten;
    }
  } catch (err) {
    content.destroy();
    throw err;
  } finally {
    await file.close();
  }
  content.off('error', ignore);
  return { size, sha256: hash.digest('hex') };
}

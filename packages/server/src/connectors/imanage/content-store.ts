import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError, isAppError } from '../../errors.ts';
import { carryRetryState } from '../../retry.ts';
import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentStoreCapabilities,
  type ContentVersion,
  type WriteDocumentOptions,
  type WrittenDocument,
  writeMeasured,
} from '../content.ts';
import type { UserAccess } from '../plugin.ts';
import {
  applicationType,
  type ContainerKind,
  checkedOutBy,
  classify,
  containerItemOf,
  documentKey,
  documentNumberId,
  fileName,
  isDocumentId,
  recognisedChecksum,
  splitFileName,
} from './items.ts';
import type { ImanageServer } from './server.ts';
import {
  type DocumentProfile,
  libraryOf,
  openWorkApiClient,
  type WorkApiClient,
  type WorkProfile,
} from './work-api-client.ts';

export { documentKey } from './items.ts';

/** The virtual root above the workspaces of every library the user can see. */
const ROOT = '';

type Kind = ContainerKind | 'document';

/** How an iManage content store writes documents. */
export interface ImanageStoreOptions {
  /** `class` of new documents (required by real servers); default DOC. */
  documentClass?: string;
  /** Per workspace id, a class other than the default. */
  workspaceClasses?: Record<string, string>;
  /** How far before the last run each change search starts, for the search index's lag and clock skew. */
  changeMarginMs?: number;
}

/** The search index of a Work Server lags behind its changes; so may its clock. */
export const defaultChangeMarginMs = 10 * 60_000;

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
    case 'connector_error':
      return translated('content_unavailable');
    default:
      return err;
  }
}

/**
 * iManage Work as a content store, over the Work API client of one user's connection. Workspaces,
 * folders and tabs are folders; a document is keyed across its versions (`LIB!n.latest`, see items.ts)
 * and every document call uses its versioned id. Shortcuts, saved-search and category folders are
 * neither copied nor written into. Locations are workspace or folder ids; '' is the list of
 * workspaces. Changes come from the document search with `edit_date_from`, so a sync with nothing
 * changed costs one search call per workspace however large the library is.
 */
export class ImanageContentStore implements ContentStore {
  readonly capabilities: ContentStoreCapabilities = {
    versions: true,
    changeQuery: true,
    names: { windows: false, maxBytes: 254 },
    replacesByName: false,
  };
  private readonly kinds = new Map<string, Kind>();
  private readonly containers = new Map<string, ContentItem>();
  private readonly documentParents = new Map<string, string>();
  /** Document key → the versioned id of its latest version seen. */
  private readonly latest = new Map<string, string>();
  /** Container id → its workspace, for the per-workspace document class. */
  private readonly workspaceOf = new Map<string, string>();

  constructor(
    private readonly client: WorkApiClient,
    private readonly options: ImanageStoreOptions = {},
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw contentErrorFrom(err);
    }
  }

  private containerItem(profile: WorkProfile, kind: ContainerKind, parentId?: string): ContentItem {
    const parent =
      kind === 'workspace' ? ROOT : (parentId ?? String(profile.parent_id ?? profile.workspace_id ?? ROOT));
    const item = containerItemOf(profile, parent);
    this.kinds.set(profile.id, kind);
    this.containers.set(profile.id, item);
    const workspace =
      kind === 'workspace' ? profile.id : String(profile.workspace_id ?? this.workspaceOf.get(parent) ?? '');
    if (workspace) this.workspaceOf.set(profile.id, workspace);
    return item;
  }

  private documentItem(profile: DocumentProfile, parentId: string | null): ContentItem {
    const id = documentKey(profile.id);
    this.kinds.set(id, 'document');
    if (isDocumentId(profile.id) && profile.id !== id) this.latest.set(id, profile.id);
    if (parentId) this.documentParents.set(id, parentId);
    const checksum = recognisedChecksum(profile.checksum);
    return {
      id,
      kind: 'document',
      name: fileName(profile),
      parentId: parentId ?? this.documentParents.get(id) ?? null,
      ...(profile.size !== undefined ? { size: Number(profile.size) } : {}),
      ...(profile.edit_date ? { modifiedAt: new Date(profile.edit_date) } : {}),
      ...(profile.version !== undefined ? { version: String(profile.version) } : {}),
      ...(checksum ? { checksum } : {}),
    };
  }

  /**
   * The versioned id (`LIB!n.v`) of a document for the Work API: from the item's version, the
   * latest seen in a listing, or else its version list (which any version's id opens).
   */
  private async versionedId(idOrItem: string | ContentItem): Promise<string> {
    const id = typeof idOrItem === 'string' ? idOrItem : idOrItem.id;
    if (!id.endsWith('.latest')) return id;
    const base = documentNumberId(id);
    if (typeof idOrItem !== 'string' && idOrItem.version) return `${base}.${idOrItem.version}`;
    const known = this.latest.get(id);
    if (known) return known;
    const versions = await this.call(() => this.client.listVersions(`${base}.1`));
    const newest = versions.reduce<number>((max, v) => Math.max(max, Number(v.version ?? 0)), 0);
    return `${base}.${newest || 1}`;
  }

  async getItem(id: string): Promise<ContentItem> {
    if (id === ROOT) return { id: ROOT, kind: 'folder', name: '', parentId: null };
    if (isDocumentId(id)) {
      const apiId = await this.versionedId(id);
      return this.documentItem(await this.call(() => this.client.getDocument(apiId)), null);
    }
    const known = this.kinds.get(id);
    if (known === 'workspace')
      return this.containerItem(await this.call(() => this.client.getWorkspace(id)), 'workspace');
    if (known === 'folder' || known === 'tab')
      return this.containerItem(await this.call(() => this.client.getFolder(id)), known);
    // A container id is a folder or a workspace (never a document: their ids have a version).
    try {
      return this.folderItem(await this.call(() => this.client.getFolder(id)));
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    try {
      return this.containerItem(await this.call(() => this.client.getWorkspace(id)), 'workspace');
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    // A versionless id that names no container (a selection sent without the version): a document.
    return this.getItem(documentKey(`${id}.1`));
  }

  private folderItem(profile: WorkProfile, parentId?: string): ContentItem {
    const classified = classify(profile);
    if (classified.kind === 'special')
      throw new ContentError(
        'content_invalid',
        `${profile.id} is a ${classified.special.replace('_', ' ')} in iManage, not a folder: choose the folder it stands for.`,
      );
    const kind = classified.kind === 'container' ? classified.container : 'folder';
    return this.containerItem(profile, kind, parentId);
  }

  private async container(id: string): Promise<ContentItem> {
    return this.containers.get(id) ?? (await this.getItem(id));
  }

  async ancestors(id: string): Promise<ContentItem[]> {
    const chain: ContentItem[] = [];
    let parentId =
      this.kinds.get(id) === 'document'
        ? (this.documentParents.get(id) ?? null)
        : (await this.container(id)).parentId;
    for (let hops = 0; parentId !== null && parentId !== ROOT && hops < 100; hops++) {
      const parent = await this.container(parentId);
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    if (id !== ROOT) chain.unshift(await this.getItem(ROOT));
    return chain;
  }

  private async *each<T>(items: AsyncIterable<T>): AsyncIterable<T> {
    const iterator = items[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }

  /** The folders (and tabs) directly inside a container; shortcuts and saved searches are left out. */
  private async *subfolders(containerId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    const kind = this.kinds.get(containerId) === 'workspace' ? 'workspace' : 'folder';
    for await (const profile of this.each(
      this.client.listChildren(containerId, { kind, excludeDocuments: true, ...(signal ? { signal } : {}) }),
    )) {
      const classified = classify(profile);
      if (classified.kind === 'container' && classified.container !== 'workspace')
        yield this.containerItem(profile, classified.container, containerId);
    }
  }

  async *listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    if (folderId === ROOT) {
      for (const library of await this.call(() => this.client.libraries())) {
        for await (const workspace of this.each(
          this.client.listWorkspaces(library.id, signal ? { signal } : {}),
        ))
          yield this.containerItem(workspace, 'workspace');
      }
      return;
    }
    if (!this.kinds.has(folderId)) await this.getItem(folderId);
    if (this.kinds.get(folderId) !== 'folder') return yield* this.subfolders(folderId, signal);
    // /children is current, where the document search lags behind by its index: a document just
    // written must be seen by the next listing (a two-way sync would take it for deleted). One page
    // of up to 9999; a server that ignores offset on a fuller folder is a clear error (client).
    for await (const profile of this.each(
      this.client.listChildren(folderId, { kind: 'folder', ...(signal ? { signal } : {}) }),
    )) {
      const classified = classify(profile);
      if (classified.kind === 'document') yield this.documentItem(profile, folderId);
      else if (classified.kind === 'container' && classified.container !== 'workspace')
        yield this.containerItem(profile, classified.container, folderId);
    }
  }

  async findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null> {
    for await (const child of this.listChildren(parentId, signal)) if (child.name === name) return child;
    return null;
  }

  async listVersions(item: ContentItem): Promise<ContentVersion[]> {
    const apiId = await this.versionedId(item);
    const versions = await this.call(() => this.client.listVersions(apiId));
    return versions
      .map((v) => ({
        id: v.id,
        version: String(v.version ?? ''),
        // The Work API reports no minor versions; a server that marks them sends is_major / major.
        major: v.is_major !== false && v.major !== false,
        ...(v.size !== undefined ? { size: Number(v.size) } : {}),
        ...(v.edit_date ? { modifiedAt: new Date(v.edit_date) } : {}),
      }))
      .sort((a, b) => Number(a.version) - Number(b.version));
  }

  /**
   * Documents under rootId edited since `since`, less a margin: the search index lags behind the
   * server (and its clock may differ from ours), and a document seen again is simply unchanged. One
   * subtree search answers "anything changed?"; documents whose folder is not known yet are located
   * by descending only into the folders whose subtree search finds them. `edit_date` moves only with
   * content: renames, moves and deletions are found by the periodic full pass (docs/workflows.md).
   */
  async *changesSince(
    rootId: string,
    since: Date,
    options: {
      signal?: AbortSignal;
      knownParent?(id: string): string | null | undefined | Promise<string | null | undefined>;
    } = {},
  ): AsyncIterable<ContentItem> {
    const { signal } = options;
    const margin = this.options.changeMarginMs ?? defaultChangeMarginMs;
    const from = new Date(since.getTime() - margin).toISOString();
    const search = (containerId: string, subtree: boolean) =>
      this.collect(
        this.client.searchDocuments(
          libraryOf(containerId),
          { container_id: containerId, include_subtree: subtree, edit_date_from: from },
          { paging: 'cursor', ...(signal ? { signal } : {}) },
        ),
      );
    const roots = rootId === ROOT ? [] : [rootId];
    if (rootId === ROOT)
      for await (const workspace of this.listChildren(ROOT, signal)) roots.push(workspace.id);
    for (const root of roots) {
      if (!this.kinds.has(root)) await this.getItem(root);
      const changed = (await search(root, true)).filter((p) => classify(p).kind === 'document');
      if (changed.length === 0) continue;
      const unlocated = new Set<string>();
      for (const profile of changed) {
        const id = documentKey(profile.id);
        const parent = this.documentParents.get(id) ?? (await options.knownParent?.(id));
        if (parent) yield this.documentItem(profile, parent);
        else unlocated.add(id);
      }
      if (unlocated.size) yield* this.locate(root, unlocated, search, signal);
    }
  }

  private async *locate(
    containerId: string,
    wanted: Set<string>,
    search: (id: string, subtree: boolean) => Promise<DocumentProfile[]>,
    signal?: AbortSignal,
  ): AsyncIterable<ContentItem> {
    if (this.kinds.get(containerId) === 'folder') {
      for (const profile of await search(containerId, false)) {
        const id = documentKey(profile.id);
        if (wanted.delete(id)) yield this.documentItem(profile, containerId);
      }
    }
    if (wanted.size === 0) return;
    const folders = await this.collect(this.subfolders(containerId, signal));
    for (const folder of folders) {
      if (wanted.size === 0) return;
      const inside = (await search(folder.id, true)).some((p) => wanted.has(documentKey(p.id)));
      if (inside) yield* this.locate(folder.id, wanted, search, signal);
    }
  }

  private async collect<T>(items: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.each(items)) out.push(item);
    return out;
  }

  async openRead(
    item: ContentItem,
    options: { versionId?: string; signal?: AbortSignal } = {},
  ): Promise<{ stream: Readable; size?: number }> {
    const apiId = options.versionId ?? (await this.versionedId(item));
    const download = await this.call(() =>
      this.client.download(apiId, options.signal ? { signal: options.signal } : {}),
    );
    return { stream: download.stream, ...(download.size !== undefined ? { size: download.size } : {}) };
  }

  /** Refuses a target iManage keeps no documents in, or that Lexbridge never writes into. */
  private async writableFolder(parentId: string, what: 'document' | 'folder'): Promise<void> {
    if (parentId !== ROOT && !this.kinds.has(parentId)) await this.getItem(parentId);
    const kind = parentId === ROOT ? 'root' : this.kinds.get(parentId);
    if (kind === 'folder' || (what === 'folder' && (kind === 'workspace' || kind === 'tab'))) return;
    throw new ContentError(
      'content_invalid',
      kind === 'workspace'
        ? 'iManage keeps documents in folders, not directly in a workspace: choose a folder as the target.'
        : kind === 'tab'
          ? 'iManage keeps documents in the folders of a tab, not in the tab itself: choose a folder.'
          : `Lexbridge writes no ${what} here: choose a workspace or folder as the target.`,
    );
  }

  private documentClass(parentId: string): string {
    const workspace = this.workspaceOf.get(parentId);
    const override = workspace ? this.options.workspaceClasses?.[workspace] : undefined;
    return override || this.options.documentClass || 'DOC';
  }

  /**
   * Spools the content to a temporary file (hashing it on the way), verifies it, then uploads it as a
   * new document or a new version: the document appears in iManage only complete and verified, the
   * upload can be replayed after a 401 or 429, and memory stays flat whatever the size. A document
   * checked out in iManage is never overwritten: the item fails saying who has it, and the next run
   * tries again.
   */
  async writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    await this.writableFolder(parentId, 'document');
    let existing: string | undefined;
    if (options.existingId) {
      const current = await this.call(async () =>
        this.client.getDocument(await this.versionedId(options.existingId!)),
      );
      const holder = checkedOutBy(current);
      if (holder) {
        content.destroy();
        throw new ContentError(
          'content_conflict',
          `${fileName(current)} is checked out in iManage by ${holder}; Lexbridge does not overwrite it and tries again at the next run.`,
        );
      }
      existing = current.id;
    }
    const dir = await mkdtemp(join(tmpdir(), 'lexbridge-upload-'));
    const spool = join(dir, randomBytes(6).toString('hex'));
    try {
      const written = await writeMeasured(content, createWriteStream(spool), options.signal);
      const { size } = written;
      await options.verify?.(written);
      const { name: stem, extension } = splitFileName(name);
      const type = applicationType(extension);
      const upload = {
        extension,
        size,
        content: () => createReadStream(spool),
        profile: { class: this.documentClass(parentId), ...(type ? { type } : {}) },
        ...(options.signal ? { signal: options.signal } : {}),
      };
      const profile = await this.call(() =>
        existing
          ? this.client.addVersion(existing, { ...upload, name: stem })
          : this.client.uploadDocument(parentId, { ...upload, name: stem }),
      );
      if (profile.size !== undefined && Number(profile.size) !== size) {
        throw new ContentError(
          'content_unavailable',
          `iManage stored ${profile.size} bytes of ${size}; the upload will be tried again.`,
          { retryable: true },
        );
      }
      return { item: this.documentItem(profile, parentId), ...written };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem> {
    if (parentId === ROOT)
      throw new ContentError(
        'content_invalid',
        'Workspaces are not created by workflows: choose a workspace or folder as the target.',
      );
    await this.writableFolder(parentId, 'folder');
    for await (const existing of this.subfolders(parentId, signal))
      if (existing.name === name) return existing;
    const workspace = this.kinds.get(parentId) === 'workspace';
    const profile = await this.call(() =>
      workspace
        ? this.client.createFolder(parentId, { name })
        : this.client.createSubfolder(parentId, { name }),
    );
    return this.containerItem(profile, 'folder', parentId);
  }

  async relocate(item: ContentItem, target: { parentId: string; name: string }): Promise<ContentItem> {
    if (item.kind === 'folder' && target.parentId === item.parentId) {
      const profile = await this.call(() => this.client.renameFolder(item.id, target.name));
      return this.containerItem(profile, 'folder', item.parentId ?? undefined);
    }
    throw new ContentError(
      'content_invalid',
      'Moving items between iManage folders, and renaming documents, is not supported yet; the item was left where it is.',
    );
  }

  async delete(item: ContentItem): Promise<void> {
    if (item.id === ROOT)
      throw new ContentError('content_invalid', 'The workflow root itself is never deleted.');
    if (item.kind === 'document') {
      const apiId = await this.versionedId(item);
      await this.call(() => this.client.deleteDocument(apiId));
      return;
    }
    await this.call(() => this.client.deleteFolder(item.id));
  }

  async rights(id: string): Promise<{ read: boolean; write: boolean }> {
    if (id === ROOT) return { read: true, write: false };
    await this.getItem(id);
    const kind = this.kinds.get(id);
    const profile =
      kind === 'workspace'
        ? await this.call(() => this.client.getWorkspace(id))
        : kind === 'document'
          ? await this.call(async () => this.client.getDocument(await this.versionedId(id)))
          : await this.call(() => this.client.getFolder(id));
    const security = String(profile.effective_security ?? 'read');
    return { read: security !== 'no_access', write: security === 'read_write' || security === 'full_access' };
  }
}

/** Opens iManage content as the user: their connection's token, refreshed as needed. */
export async function openImanageContentStore(
  server: ImanageServer,
  access: UserAccess,
  signal?: AbortSignal,
): Promise<ContentStore> {
  try {
    return new ImanageContentStore(await openWorkApiClient(server, access, undefined, signal));
  } catch (err) {
    const translated = contentErrorFrom(err);
    if (translated instanceof ContentError) throw translated;
    throw err instanceof AppError ? err : translated;
  }
}

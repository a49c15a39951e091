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
import type { ImanageServer } from './server.ts';
import {
  type DocumentProfile,
  libraryOf,
  openWorkApiClient,
  type WorkApiClient,
  type WorkProfile,
} from './work-api-client.ts';

/** The virtual root above the workspaces of every library the user can see. */
const ROOT = '';

type Kind = 'workspace' | 'folder' | 'document';

/** "ACTIVE!123.4" → "ACTIVE!123": a document across its versions. */
export function documentKey(id: string): string {
  return id.replace(/^([^!]+![0-9]+)\.[0-9]+$/, '$1');
}

function fileName(profile: DocumentProfile): string {
  const name = String(profile.name ?? profile.document_number ?? 'document');
  return profile.extension ? `${name}.${profile.extension}` : name;
}

function splitFileName(name: string): { name: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 11) return { name, extension: '' };
  return { name: name.slice(0, dot), extension: name.slice(dot + 1) };
}

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
    case 'connector_rate_limited':
    case 'connector_unreachable':
    case 'connector_error':
      return translated('content_unavailable');
    default:
      return err;
  }
}

/**
 * iManage Work as a content store, over the Work API client of one user's connection. Workspaces and
 * folders are folders; documents are addressed without their version suffix so a new version is an
 * update of the same item. Locations are workspace or folder ids; '' is the list of workspaces.
 * Changes come from the document search with `edit_date_from`, so a sync with nothing changed costs
 * one search call however large the library is.
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

  constructor(private readonly client: WorkApiClient) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw contentErrorFrom(err);
    }
  }

  private containerItem(profile: WorkProfile, kind: 'workspace' | 'folder'): ContentItem {
    const item: ContentItem = {
      id: profile.id,
      kind: 'folder',
      name: String(profile.name ?? profile.id),
      parentId: kind === 'workspace' ? ROOT : String(profile.parent_id ?? profile.workspace_id ?? ROOT),
      ...(profile.edit_date ? { modifiedAt: new Date(profile.edit_date) } : {}),
    };
    this.kinds.set(profile.id, kind);
    this.containers.set(profile.id, item);
    return item;
  }

  private documentItem(profile: DocumentProfile, parentId: string | null): ContentItem {
    const id = documentKey(profile.id);
    this.kinds.set(id, 'document');
    if (parentId) this.documentParents.set(id, parentId);
    const checksum =
      typeof profile.checksum === 'string' && /^sha256:/i.test(profile.checksum)
        ? `sha256:${profile.checksum.slice(7).toLowerCase()}`
        : undefined;
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

  private fromProfile(profile: WorkProfile, parentId: string): ContentItem {
    if (profile.wstype === 'workspace') return this.containerItem(profile, 'workspace');
    if (profile.wstype === 'folder') return this.containerItem(profile, 'folder');
    return this.documentItem(profile as DocumentProfile, parentId);
  }

  async getItem(id: string): Promise<ContentItem> {
    if (id === ROOT) return { id: ROOT, kind: 'folder', name: '', parentId: null };
    const known = this.kinds.get(id);
    if (known === 'document' || /^[^!]+![0-9]+\.[0-9]+$/.test(id))
      return this.documentItem(await this.call(() => this.client.getDocument(id)), null);
    if (known === 'workspace')
      return this.containerItem(await this.call(() => this.client.getWorkspace(id)), 'workspace');
    try {
      return this.containerItem(await this.call(() => this.client.getFolder(id)), 'folder');
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    try {
      return this.containerItem(await this.call(() => this.client.getWorkspace(id)), 'workspace');
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    return this.documentItem(await this.call(() => this.client.getDocument(id)), null);
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

  async *listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    if (folderId === ROOT) {
      for (const library of await this.call(() => this.client.libraries())) {
        for (const workspace of await this.call(() => this.client.searchWorkspaces(library.id)))
          yield this.containerItem(workspace, 'workspace');
      }
      return;
    }
    if (!this.kinds.has(folderId)) await this.getItem(folderId);
    const kind = this.kinds.get(folderId) === 'workspace' ? 'workspace' : 'folder';
    const pages = this.client.listChildren(folderId, { kind, ...(signal ? { signal } : {}) });
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next());
      if (next.done) return;
      yield this.fromProfile(next.value, folderId);
    }
  }

  async findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null> {
    for await (const child of this.listChildren(parentId, signal)) if (child.name === name) return child;
    return null;
  }

  async listVersions(item: ContentItem): Promise<ContentVersion[]> {
    const versions = await this.call(() => this.client.listVersions(item.id));
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
   * Documents under rootId edited since `since`. One subtree search answers "anything changed?";
   * documents whose folder is not known yet are located by descending only into the folders whose
   * subtree search finds them, so the calls grow with the changes rather than with the library.
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
    const from = since.toISOString();
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
      const changed = await search(root, true);
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
    if (this.kinds.get(containerId) !== 'workspace') {
      for (const profile of await search(containerId, false)) {
        const id = documentKey(profile.id);
        if (wanted.delete(id)) yield this.documentItem(profile, containerId);
      }
    }
    if (wanted.size === 0) return;
    const folders: ContentItem[] = [];
    const kind = this.kinds.get(containerId) === 'workspace' ? 'workspace' : 'folder';
    for (const child of await this.collect(
      this.client.listChildren(containerId, { kind, excludeDocuments: true, ...(signal ? { signal } : {}) }),
    )) {
      if (child.wstype === 'folder') folders.push(this.containerItem(child, 'folder'));
    }
    for (const folder of folders) {
      if (wanted.size === 0) return;
      const inside = (await search(folder.id, true)).some((p) => wanted.has(documentKey(p.id)));
      if (inside) yield* this.locate(folder.id, wanted, search, signal);
    }
  }

  private async collect<T>(items: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    const iterator = items[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next());
      if (next.done) return out;
      out.push(next.value);
    }
  }

  async openRead(
    item: ContentItem,
    options: { versionId?: string; signal?: AbortSignal } = {},
  ): Promise<{ stream: Readable; size?: number }> {
    const download = await this.call(() =>
      this.client.download(options.versionId ?? item.id, options.signal ? { signal: options.signal } : {}),
    );
    return { stream: download.stream, ...(download.size !== undefined ? { size: download.size } : {}) };
  }

  /**
   * Spools the content to a temporary file (hashing it on the way), verifies it, then uploads it as a
   * new document or a new version: the document appears in iManage only complete and verified, the
   * upload can be replayed after a 401 or 429, and memory stays flat whatever the size.
   */
  async writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    if (this.kinds.get(parentId) === 'workspace') {
      throw new ContentError(
        'content_invalid',
        'iManage keeps documents in folders, not directly in a workspace: choose a folder as the target.',
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'lexbridge-upload-'));
    const spool = join(dir, randomBytes(6).toString('hex'));
    try {
      const written = await writeMeasured(content, createWriteStream(spool), options.signal);
      const { size } = written;
      await options.verify?.(written);
      const { name: stem, extension } = splitFileName(name);
      const upload = {
        extension,
        size,
        content: () => createReadStream(spool),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      const profile = await this.call(() =>
        options.existingId
          ? this.client.addVersion(options.existingId, { ...upload, name: stem })
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
    const existing = await this.findChild(parentId, name, signal);
    if (existing?.kind === 'folder') return existing;
    if (parentId === ROOT)
      throw new ContentError(
        'content_invalid',
        'Workspaces are not created by workflows: choose a workspace or folder as the target.',
      );
    const workspace = this.kinds.get(parentId) === 'workspace';
    const profile = await this.call(() =>
      workspace
        ? this.client.createFolder(parentId, { name })
        : this.client.createSubfolder(parentId, { name }),
    );
    return this.containerItem(profile, 'folder');
  }

  async relocate(item: ContentItem, target: { parentId: string; name: string }): Promise<ContentItem> {
    if (item.kind === 'folder' && target.parentId === item.parentId) {
      return this.containerItem(
        await this.call(() => this.client.renameFolder(item.id, target.name)),
        'folder',
      );
    }
    throw new ContentError(
      'content_invalid',
      'Moving items between iManage folders, and renaming documents, is not supported yet; the item was left where it is.',
    );
  }

  async delete(item: ContentItem): Promise<void> {
    if (item.id === ROOT)
      throw new ContentError('content_invalid', 'The workflow root itself is never deleted.');
    await this.call(() =>
      item.kind === 'document' ? this.client.deleteDocument(item.id) : this.client.deleteFolder(item.id),
    );
  }

  async rights(id: string): Promise<{ read: boolean; write: boolean }> {
    if (id === ROOT) return { read: true, write: false };
    await this.getItem(id);
    const kind = this.kinds.get(id);
    const profile =
      kind === 'workspace'
        ? await this.call(() => this.client.getWorkspace(id))
        : kind === 'folder'
          ? await this.call(() => this.client.getFolder(id))
          : await this.call(() => this.client.getDocument(id));
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

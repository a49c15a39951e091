import type { Readable } from 'node:stream';
import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentStoreCapabilities,
  type ContentVersion,
  type WriteDocumentOptions,
  type WrittenDocument,
} from '../content.ts';
import type { UserAccess } from '../plugin.ts';
import { type ChangeOptions, changesSince } from './changes.ts';
import { eachOf, openingError, storeCall } from './content-errors.ts';
import { ImanageItemCache, ROOT } from './item-cache.ts';
import { classify, documentKey, isDocumentId } from './items.ts';
import type { ImanageServer } from './server.ts';
import { openWorkApiClient, type WorkApiClient } from './work-api-client.ts';
import { writableFolder, writeImanageDocument } from './write-document.ts';

export { contentErrorFrom } from './content-errors.ts';
export { documentKey } from './items.ts';

/** How an iManage content store writes documents. */
export interface ImanageStoreOptions {
  /** `class` of new documents (required by real servers); default DOC. */
  documentClass?: string;
  /** Per workspace id, a class other than the default. */
  workspaceClasses?: Record<string, string>;
  /** How far before the watermark each change search starts, for the search index's lag. */
  changeMarginMs?: number;
}

/** The search index of a Work Server lags behind its changes (the watermark is on its own clock). */
export const defaultChangeMarginMs = 10 * 60_000;

/**
 * iManage Work as a content store, over the Work API client of one user's connection. Workspaces,
 * folders and tabs are folders; a document is keyed across its versions (`LIB!n.latest`, see items.ts)
 * and every document call uses its versioned id. Shortcuts, saved-search and category folders are
 * neither copied nor written into. Locations are workspace or folder ids; '' is the list of
 * workspaces. Changes come from the document search with `edit_date_from` (changes.ts), so a sync
 * with nothing changed costs one search call per workspace however large the library is.
 */
export class ImanageContentStore implements ContentStore {
  readonly capabilities: ContentStoreCapabilities = {
    versions: true,
    changeQuery: true,
    names: { windows: false, maxBytes: 254 },
    replacesByName: false,
  };
  readonly items = new ImanageItemCache();

  constructor(
    readonly client: WorkApiClient,
    private readonly options: ImanageStoreOptions = {},
  ) {}

  private versionedId(idOrItem: string | ContentItem): Promise<string> {
    return this.items.versionedId(this.client, storeCall, idOrItem);
  }

  async getItem(id: string): Promise<ContentItem> {
    const { client, items } = this;
    if (id === ROOT) return { id: ROOT, kind: 'folder', name: '', parentId: null };
    if (isDocumentId(id)) {
      const apiId = await this.versionedId(id);
      return items.documentItem(await storeCall(() => client.getDocument(apiId)), null);
    }
    const known = items.kinds.get(id);
    if (known === 'workspace')
      return items.containerItem(await storeCall(() => client.getWorkspace(id)), 'workspace');
    if (known === 'folder' || known === 'tab')
      return items.containerItem(await storeCall(() => client.getFolder(id)), known);
    // A container id is a folder or a workspace (never a document: their ids have a version).
    try {
      return items.folderItem(await storeCall(() => client.getFolder(id)));
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    try {
      return items.containerItem(await storeCall(() => client.getWorkspace(id)), 'workspace');
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    }
    // A versionless id that names no container (a selection sent without the version): a document.
    return this.getItem(documentKey(`${id}.1`));
  }

  private async container(id: string): Promise<ContentItem> {
    return this.items.containers.get(id) ?? (await this.getItem(id));
  }

  async ancestors(id: string): Promise<ContentItem[]> {
    const chain: ContentItem[] = [];
    let parentId =
      this.items.kinds.get(id) === 'document'
        ? (this.items.documentParents.get(id) ?? null)
        : (await this.container(id)).parentId;
    for (let hops = 0; parentId !== null && parentId !== ROOT && hops < 100; hops++) {
      const parent = await this.container(parentId);
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    if (id !== ROOT) chain.unshift(await this.getItem(ROOT));
    return chain;
  }

  /** The folders (and tabs) directly inside a container; shortcuts and saved searches are left out. */
  async *subfolders(containerId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    const kind = this.items.kinds.get(containerId) === 'workspace' ? 'workspace' : 'folder';
    for await (const profile of eachOf(
      this.client.listChildren(containerId, { kind, excludeDocuments: true, ...(signal ? { signal } : {}) }),
    )) {
      const classified = classify(profile);
      if (classified.kind === 'container' && classified.container !== 'workspace')
        yield this.items.containerItem(profile, classified.container, containerId);
    }
  }

  async *listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    const { client, items } = this;
    if (folderId === ROOT) {
      for (const library of await storeCall(() => client.libraries())) {
        for await (const workspace of eachOf(client.listWorkspaces(library.id, signal ? { signal } : {})))
          yield items.containerItem(workspace, 'workspace');
      }
      return;
    }
    if (!items.kinds.has(folderId)) await this.getItem(folderId);
    if (items.kinds.get(folderId) !== 'folder') return yield* this.subfolders(folderId, signal);
    // /children is current, where the document search lags behind by its index: a document just
    // written must be seen by the next listing (a two-way sync would take it for deleted). One page
    // of up to 9999; a server that ignores offset on a fuller folder is a clear error (client).
    for await (const profile of eachOf(
      client.listChildren(folderId, { kind: 'folder', ...(signal ? { signal } : {}) }),
    )) {
      const classified = classify(profile);
      if (classified.kind === 'document') yield items.documentItem(profile, folderId);
      else if (classified.kind === 'container' && classified.container !== 'workspace')
        yield items.containerItem(profile, classified.container, folderId);
    }
  }

  async findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null> {
    for await (const child of this.listChildren(parentId, signal)) if (child.name === name) return child;
    return null;
  }

  async listVersions(item: ContentItem): Promise<ContentVersion[]> {
    const apiId = await this.versionedId(item);
    const versions = await storeCall(() => this.client.listVersions(apiId));
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

  changesSince(rootId: string, since: Date, options: ChangeOptions = {}): AsyncIterable<ContentItem> {
    const margin = this.options.changeMarginMs ?? defaultChangeMarginMs;
    return changesSince(this, margin, rootId, since, options);
  }

  /** The newest edit_date or edit_profile_date seen: the Work Server's clock, not ours. */
  changeWatermark(): Date | undefined {
    return this.items.newestChangeSeen;
  }

  async openRead(
    item: ContentItem,
    options: { versionId?: string; signal?: AbortSignal } = {},
  ): Promise<{ stream: Readable; size?: number }> {
    const apiId = options.versionId ?? (await this.versionedId(item));
    const download = await storeCall(() =>
      this.client.download(apiId, options.signal ? { signal: options.signal } : {}),
    );
    return { stream: download.stream, ...(download.size !== undefined ? { size: download.size } : {}) };
  }

  documentClass(parentId: string): string {
    const workspace = this.items.workspaceFor(parentId);
    const override = workspace ? this.options.workspaceClasses?.[workspace] : undefined;
    return override || this.options.documentClass || 'DOC';
  }

  writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    return writeImanageDocument(this, parentId, name, content, options);
  }

  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem> {
    if (parentId === ROOT)
      throw new ContentError(
        'content_invalid',
        'Workspaces are not created by workflows: choose a workspace or folder as the target.',
      );
    await writableFolder(this, parentId, 'folder');
    for await (const existing of this.subfolders(parentId, signal))
      if (existing.name === name) return existing;
    const workspace = this.items.kinds.get(parentId) === 'workspace';
    const profile = await storeCall(() =>
      workspace
        ? this.client.createFolder(parentId, { name })
        : this.client.createSubfolder(parentId, { name }),
    );
    return this.items.containerItem(profile, 'folder', parentId);
  }

  async relocate(item: ContentItem, target: { parentId: string; name: string }): Promise<ContentItem> {
    if (item.kind === 'folder' && target.parentId === item.parentId) {
      const profile = await storeCall(() => this.client.renameFolder(item.id, target.name));
      return this.items.containerItem(profile, 'folder', item.parentId ?? undefined);
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
      await storeCall(() => this.client.deleteDocument(apiId));
      return;
    }
    await storeCall(() => this.client.deleteFolder(item.id));
  }

  async rights(id: string): Promise<{ read: boolean; write: boolean }> {
    if (id === ROOT) return { read: true, write: false };
    await this.getItem(id);
    const kind = this.items.kinds.get(id);
    const profile =
      kind === 'workspace'
        ? await storeCall(() => this.client.getWorkspace(id))
        : kind === 'document'
          ? await storeCall(async () => this.client.getDocument(await this.versionedId(id)))
          : await storeCall(() => this.client.getFolder(id));
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
    return new ImanageContentStore(await openWorkApiClient(server, access, undefined, signal), {
      ...(server.documentClass ? { documentClass: server.documentClass } : {}),
      ...(server.workspaceClasses ? { workspaceClasses: server.workspaceClasses } : {}),
    });
  } catch (err) {
    throw openingError(err);
  }
}

import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentStoreCapabilities,
  type ContentVersion,
  type ReadOnlyOutcome,
  type WriteDocumentOptions,
  type WrittenDocument,
} from '../content.ts';
import { driveChanges } from './changes.ts';
import { openDownload } from './download.ts';
import {
  type DriveItemJson,
  type DriveRef,
  driveItemId,
  driveRef,
  itemPath,
  rootAlias,
  toContentItem,
} from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';
import { contentErrorFrom } from './graph-errors.ts';
import {
  folderBrowsing,
  isVirtual,
  libraryParent,
  type SharepointIds,
  virtualChildren,
  virtualItem,
} from './locations.ts';
import { LibraryColumns } from './metadata.ts';
import { sharepointNameRules } from './names.ts';
import { PathLimit } from './path-limit.ts';
import { restrictToRead } from './permissions.ts';
import { relocateItem } from './relocate.ts';
import { uploadDocument } from './upload.ts';

/**
 * SharePoint Online, OneDrive and Teams files as a content store, over one person's Graph client.
 * Locations are drives (document libraries, OneDrives) and their folders, under the virtual browsing
 * folders of locations.ts. A document keeps its Graph id across versions, so a new iManage version is
 * uploaded to the same item and SharePoint keeps it as that item's next version.
 */
export class SharepointContentStore implements ContentStore {
  readonly capabilities: ContentStoreCapabilities = {
    versions: true,
    changeQuery: true,
    names: sharepointNameRules,
    replacesByName: false,
  };
  private readonly roots = new Map<string, Promise<string>>();
  private readonly columns: LibraryColumns;
  private readonly pathLimit: PathLimit;

  constructor(private readonly client: GraphClient) {
    this.columns = new LibraryColumns(client);
    this.pathLimit = new PathLimit(client);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw contentErrorFrom(err);
    }
  }

  private ref(id: string): DriveRef {
    const ref = driveRef(id);
    if (!ref)
      throw new ContentError(
        'content_invalid',
        'Choose a document library, a OneDrive or one of their folders.',
      );
    return ref;
  }

  /** Graph's id of a drive's root folder (our ids call it "root"), asked once per drive. */
  rootIdOf(driveId: string): Promise<string> {
    let known = this.roots.get(driveId);
    if (!known) {
      known = this.client
        .json<DriveItemJson>('GET', `/drives/${enc(driveId)}/root`, { query: { $select: 'id' } })
        .then((r) => r.id);
      known.catch(() => this.roots.delete(driveId));
      this.roots.set(driveId, known);
    }
    return known;
  }

  /** The engine's item for Graph's JSON, with its parent in our id form. */
  async item(json: DriveItemJson, driveId: string): Promise<ContentItem> {
    if (json.root) {
      const drive = await this.client.json<{
        name?: string;
        driveType?: string;
        sharepointIds?: SharepointIds;
      }>('GET', `/drives/${enc(driveId)}`, { query: { $select: 'id,name,driveType,sharepointIds' } });
      const parent = libraryParent(drive, json.parentReference?.siteId);
      return { ...toContentItem(json, driveId, parent), name: drive.name ?? json.name ?? '' };
    }
    const parent = json.parentReference?.id;
    if (!parent) return toContentItem(json, driveId, null);
    const parentIsRoot = parent === (await this.rootIdOf(driveId));
    return toContentItem(json, driveId, driveItemId(driveId, parentIsRoot ? rootAlias : parent));
  }

  async getItem(id: string, signal?: AbortSignal): Promise<ContentItem> {
    if (isVirtual(id)) return this.call(() => virtualItem(this.client, id, signal));
    const ref = this.ref(id);
    const json = await this.call(() =>
      this.client.json<DriveItemJson>('GET', itemPath(ref), signal ? { signal } : {}),
    );
    return this.call(() => this.item(json, ref.driveId));
  }

  async ancestors(id: string, signal?: AbortSignal): Promise<ContentItem[]> {
    const chain: ContentItem[] = [];
    let parentId = (await this.getItem(id, signal)).parentId;
    for (let hops = 0; parentId !== null && hops < 100; hops++) {
      const parent = await this.getItem(parentId, signal);
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  async *listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    const pages = isVirtual(folderId)
      ? virtualChildren(this.client, folderId, signal)
      : this.driveChildren(folderId, signal);
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }

  private async *driveChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    const ref = this.ref(folderId);
    for await (const child of this.client.pages<DriveItemJson>(
      `${itemPath(ref)}/children`,
      signal ? { signal } : {},
    ))
      yield toContentItem(child, ref.driveId, folderId);
  }

  async findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null> {
    if (isVirtual(parentId)) {
      for await (const child of this.listChildren(parentId, signal)) if (child.name === name) return child;
      return null;
    }
    const ref = this.ref(parentId);
    try {
      const json = await this.client.json<DriveItemJson>(
        'GET',
        `${itemPath(ref)}:/${enc(name)}:`,
        signal ? { signal } : {},
      );
      return toContentItem(json, ref.driveId, parentId);
    } catch (err) {
      const translated = contentErrorFrom(err);
      if (translated instanceof ContentError && translated.code === 'content_not_found') return null;
      throw translated;
    }
  }

  async listVersions(item: ContentItem, signal?: AbortSignal): Promise<ContentVersion[]> {
    const ref = this.ref(item.id);
    const versions = await this.call(() =>
      collect(
        this.client.pages<{ id: string; size?: number; lastModifiedDateTime?: string }>(
          `${itemPath(ref)}/versions`,
          signal ? { signal } : {},
        ),
      ),
    );
    return versions
      .map((v) => ({
        id: v.id,
        version: v.id,
        major: /\.0$/.test(v.id) || !v.id.includes('.'),
        ...(v.size !== undefined ? { size: v.size } : {}),
        ...(v.lastModifiedDateTime ? { modifiedAt: new Date(v.lastModifiedDateTime) } : {}),
      }))
      .sort((a, b) => Number(a.version) - Number(b.version));
  }

  changesSince(
    rootId: string,
    since: Date,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<ContentItem> {
    const ref = driveRef(rootId);
    const source = {
      client: this.client,
      rootIdOf: (d: string) => this.rootIdOf(d),
      item: (j: DriveItemJson, d: string) => this.item(j, d),
      walk: (f: string, s?: AbortSignal) => this.walk(f, s),
    };
    const changes = ref
      ? driveChanges(source, ref, rootId, since, options.signal)
      : this.walkChangedSince(rootId, since, options.signal);
    return this.translated(changes);
  }

  private async *walkChangedSince(rootId: string, since: Date, signal?: AbortSignal) {
    for await (const item of this.walk(rootId, signal))
      if (item.kind === 'document' && (!item.modifiedAt || item.modifiedAt >= since)) yield item;
  }

  private async *walk(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    for await (const child of this.listChildren(folderId, signal)) {
      yield child;
      if (child.kind === 'folder') yield* this.walk(child.id, signal);
    }
  }

  private async *translated(items: AsyncIterable<ContentItem>): AsyncIterable<ContentItem> {
    const iterator = items[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call(() => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }

  async openRead(
    item: ContentItem,
    options: { versionId?: string; signal?: AbortSignal } = {},
  ): Promise<{ stream: Readable; size?: number }> {
    const base = itemPath(this.ref(item.id));
    const path = options.versionId ? `${base}/versions/${enc(options.versionId)}/content` : `${base}/content`;
    return this.call(() => openDownload(this.client, path, options.signal));
  }

  async writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    const parent = this.ref(parentId);
    if (!options.existingId)
      await this.call(() => this.pathLimit.check(parentId, parent, name, 'document', options.signal));
    const target = options.existingId
      ? { itemPath: itemPath(this.ref(options.existingId)) }
      : { parentPath: itemPath(parent), name };
    const uploaded = await this.call(() =>
      uploadDocument(this.client, target, content, {
        ...(options.size !== undefined ? { size: options.size } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.verify ? { verify: options.verify } : {}),
      }),
    );
    if (options.metadata) {
      const fields = await this.call(() => this.columns.fields(parent.driveId, options.metadata!));
      if (Object.keys(fields).length > 0)
        await this.call(() =>
          this.client.json(
            'PATCH',
            `/drives/${enc(parent.driveId)}/items/${enc(uploaded.item.id)}/listItem/fields`,
            {
              json: fields,
              idempotent: true,
              ...(options.signal ? { signal: options.signal } : {}),
            },
          ),
        );
    }
    return {
      item: toContentItem(uploaded.item, parent.driveId, parentId),
      size: uploaded.size,
      sha256: uploaded.sha256,
    };
  }

  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem> {
    const ref = this.ref(parentId);
    await this.call(() => this.pathLimit.check(parentId, ref, name, 'folder', signal));
    try {
      const json = await this.client.json<DriveItemJson>('POST', `${itemPath(ref)}/children`, {
        json: { name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
        ...(signal ? { signal } : {}),
      });
      const folder = toContentItem(json, ref.driveId, parentId);
      this.pathLimit.remember(folder.id, json);
      return folder;
    } catch (err) {
      const translated = contentErrorFrom(err);
      if (!(translated instanceof ContentError) || translated.code !== 'content_conflict') throw translated;
      const existing = await this.findChild(parentId, name, signal);
      if (existing?.kind === 'folder') return existing;
      throw translated;
    }
  }

  /** Renames and moves, across libraries too (relocate.ts). */
  relocate(
    item: ContentItem,
    target: { parentId: string; name: string },
    signal?: AbortSignal,
  ): Promise<ContentItem> {
    const deps = {
      client: this.client,
      ref: (id: string) => this.ref(id),
      rootIdOf: (d: string) => this.rootIdOf(d),
    };
    return relocateItem(deps, item, target, signal);
  }

  async delete(item: ContentItem, signal?: AbortSignal): Promise<void> {
    const ref = this.ref(item.id);
    if (ref.itemId === rootAlias)
      throw new ContentError('content_invalid', 'A library or OneDrive itself is never deleted.');
    try {
      await this.client.json('DELETE', itemPath(ref), signal ? { signal } : {});
    } catch (err) {
      const translated = contentErrorFrom(err);
      // A repeated delete whose first answer was lost finds nothing: the item is gone, as asked.
      if (!(translated instanceof ContentError) || translated.code !== 'content_not_found') throw translated;
    }
  }

  browsing(folderId: string) {
    return folderBrowsing(folderId);
  }

  /** Write becomes read for every grant Graph lets the person change on the folder and beneath it (permissions.ts). */
  async restrictToRead(folderId: string, signal?: AbortSignal): Promise<ReadOnlyOutcome> {
    const folder = await this.getItem(folderId, signal);
    const self = this;
    async function* everything(): AsyncIterable<ContentItem> {
      yield folder;
      yield* self.walk(folderId, signal);
    }
    return this.call(() => restrictToRead(this.client, everything(), signal));
  }

  /**
   * Read is whether the folder can be fetched; Graph reports no effective write permission for
   * delegated access, so write is tried: a uniquely named empty folder is created and deleted at once.
   */
  async rights(id: string, signal?: AbortSignal): Promise<{ read: boolean; write: boolean }> {
    if (isVirtual(id)) return { read: true, write: false };
    const item = await this.getItem(id, signal);
    const folderId = item.kind === 'folder' ? id : (item.parentId ?? id);
    try {
      const probe = await this.createFolder(
        folderId,
        `.lexbridge-write-check-${randomBytes(6).toString('hex')}`,
        signal,
      );
      await this.delete(probe, signal);
      return { read: true, write: true };
    } catch (err) {
      if (err instanceof ContentError && err.code === 'content_access_denied')
        return { read: true, write: false };
      throw err;
    }
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

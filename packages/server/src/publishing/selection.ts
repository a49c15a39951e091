import type { SelectedItem } from '@lexbridge/contracts';
import { ContentError, type ContentItem, type ContentStore } from '../connectors/content.ts';
import type { PublishSource } from '../connectors/plugin.ts';
import { loadConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { connectionUsable, openContentStore } from '../workflows/content-stores.ts';

/**
 * A selection of a system's documents and folders (sent by its publish command), made to look like
 * one folder so that the workflow engine's planner and executor can publish it as they copy any
 * folder: the selected items are the children of a virtual root (`selectionRootId`), and everything
 * else is the source's own content store.
 */
export const selectionRootId = '//publish-selection';

/** Most folder contents counted for the publish page before it says "more than". */
const countLimit = 5000;

/**
 * The ids of a selection as the engine keys them (the source's `itemKey`: for a system with versions, a document id
 * without its version, so publishing after a new version updates the same published file);
 * duplicates and blanks dropped.
 */
export function normaliseSelection(
  ids: Iterable<string>,
  source: Pick<PublishSource<unknown>, 'itemKey'>,
): string[] {
  const out = new Set<string>();
  for (const raw of ids) {
    const id = raw.trim();
    if (!id) continue;
    out.add(source.itemKey(id));
  }
  if (out.size === 0) throw new AppError('publish_selection_invalid');
  return [...out];
}

export class SelectionContentStore implements ContentStore {
  private readonly root: ContentItem = { id: selectionRootId, kind: 'folder', name: '', parentId: null };

  constructor(
    private readonly source: ContentStore,
    private readonly ids: readonly string[],
  ) {}

  get capabilities() {
    return { ...this.source.capabilities, changeQuery: false };
  }

  getItem(id: string, signal?: AbortSignal): Promise<ContentItem> {
    return id === selectionRootId ? Promise.resolve(this.root) : this.source.getItem(id, signal);
  }

  async ancestors(id: string, signal?: AbortSignal): Promise<ContentItem[]> {
    return id === selectionRootId ? [] : this.source.ancestors(id, signal);
  }

  async *listChildren(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem> {
    if (folderId !== selectionRootId) {
      yield* this.source.listChildren(folderId, signal);
      return;
    }
    for (const id of this.ids) {
      const item = await this.source.getItem(id, signal);
      yield { ...item, parentId: selectionRootId };
    }
  }

  findChild(parentId: string, name: string, signal?: AbortSignal): Promise<ContentItem | null> {
    return this.source.findChild(parentId, name, signal);
  }

  get listVersions() {
    return this.source.listVersions?.bind(this.source);
  }

  openRead(item: ContentItem, options?: { versionId?: string; signal?: AbortSignal }) {
    return this.source.openRead(item, options);
  }

  rights(id: string, signal?: AbortSignal) {
    return this.source.rights(id, signal);
  }

  // Publishing only reads from the source: the engine never writes to, moves or deletes from a source on
  // a one-off copy, and this makes sure of it.
  writeDocument(): never {
    throw new ContentError('content_access_denied', 'Publishing never changes the source system.');
  }
  createFolder(): never {
    throw new ContentError('content_access_denied', 'Publishing never changes the source system.');
  }
  relocate(): never {
    throw new ContentError('content_access_denied', 'Publishing never changes the source system.');
  }
  delete(): never {
    throw new ContentError('content_access_denied', 'Publishing never changes the source system.');
  }

  close(): Promise<void> {
    return this.source.close?.() ?? Promise.resolve();
  }
}

/**
 * What the publish page shows about a selection: each item's name and size, and for folders how many
 * documents and folders they hold and their total size (counted up to a limit). An item that cannot
 * be read is reported with the reason rather than failing the whole selection.
 */
export async function describeSelection(
  source: ContentStore,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<SelectedItem[]> {
  const items: SelectedItem[] = [];
  for (const id of ids) {
    let item: ContentItem;
    try {
      item = await source.getItem(id, signal);
    } catch (err) {
      if (!(err instanceof ContentError) || err.code === 'content_reauthorise') throw err;
      items.push({
        id,
        kind: 'document',
        name: id,
        size: null,
        version: null,
        documentCount: null,
        folderCount: null,
        countComplete: true,
        error: err.message,
      });
      continue;
    }
    if (item.kind === 'document') {
      items.push({
        id: item.id,
        kind: 'document',
        name: item.name,
        size: item.size ?? null,
        version: item.version ?? null,
        documentCount: null,
        folderCount: null,
        countComplete: true,
        error: null,
      });
      continue;
    }
    const count = { documents: 0, folders: 0, bytes: 0 };
    const complete = await countInside(source, item.id, count, signal);
    items.push({
      id: item.id,
      kind: 'folder',
      name: item.name,
      size: count.bytes,
      version: null,
      documentCount: count.documents,
      folderCount: count.folders,
      countComplete: complete,
      error: null,
    });
  }
  return items;
}

async function countInside(
  source: ContentStore,
  folderId: string,
  count: { documents: number; folders: number; bytes: number },
  signal?: AbortSignal,
): Promise<boolean> {
  const pending = [folderId];
  while (pending.length > 0) {
    for await (const child of source.listChildren(pending.shift()!, signal)) {
      if (count.documents + count.folders >= countLimit) return false;
      if (child.kind === 'folder') {
        count.folders++;
        pending.push(child.id);
      } else {
        count.documents++;
        count.bytes += child.size ?? 0;
      }
    }
  }
  return true;
}

/** Who may publish: everyone with a Lexbridge role (Plugin Users only publish). */
export const publisherRoles = ['User', 'PluginUser', 'Admin', 'ConnectorAdmin'] as const;

/** The publish side of a connector's plug-in. @throws AppError publish_source_invalid when it has none. */
export async function publishSourceOf(
  lexbridge: Lexbridge,
  connectorId: string,
): Promise<PublishSource<unknown>> {
  const { plugin } = await loadConnector(lexbridge, connectorId);
  if (!plugin.publishing) throw new AppError('publish_source_invalid', undefined, { connectorId });
  return plugin.publishing;
}

/** Reads a selection through the person's own connection to the connector it came from. */
export async function readSelection(
  lexbridge: Lexbridge,
  userId: string,
  connectorId: string,
  rawIds: readonly string[],
): Promise<SelectedItem[]> {
  const ids = normaliseSelection(rawIds, await publishSourceOf(lexbridge, connectorId));
  const usable = await connectionUsable(lexbridge, { connectorId, userId });
  if (!usable.usable) throw new AppError('connection_not_authorised', usable.reason, { connectorId });
  const store = await openContentStore(lexbridge, { connectorId, userId });
  try {
    return await describeSelection(store, ids);
  } catch (err) {
    if (err instanceof ContentError && err.code === 'content_reauthorise')
      throw new AppError('connection_expired', err.message, { connectorId });
    throw err;
  } finally {
    await store.close?.();
  }
}

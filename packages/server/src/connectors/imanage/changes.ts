import type { ContentItem } from '../content.ts';
import { collectAll } from './content-errors.ts';
import { type ImanageItemCache, ROOT } from './item-cache.ts';
import { classify, documentKey } from './items.ts';
import { type DocumentProfile, libraryOf, type WorkApiClient } from './work-api-client.ts';

/** What the change search needs of its store. */
export interface ChangeContext {
  readonly client: WorkApiClient;
  readonly items: ImanageItemCache;
  getItem(id: string): Promise<ContentItem>;
  listChildren(id: string, signal?: AbortSignal): AsyncIterable<ContentItem>;
  subfolders(id: string, signal?: AbortSignal): AsyncIterable<ContentItem>;
}

export interface ChangeOptions {
  signal?: AbortSignal;
  knownParent?(id: string): string | null | undefined | Promise<string | null | undefined>;
}

/**
 * Documents under rootId edited since `since` (a watermark on the server's clock: the newest change
 * the last run saw), less a margin: the search index lags behind the server, and a document seen
 * again is simply unchanged. One
 * subtree search answers "anything changed?"; documents whose folder is not known yet are located
 * by descending only into the folders whose subtree search finds them. `edit_date` moves only with
 * content: renames, moves and deletions are found by the periodic full pass (docs/workflows.md).
 */
export async function* changesSince(
  store: ChangeContext,
  marginMs: number,
  rootId: string,
  since: Date,
  options: ChangeOptions = {},
): AsyncIterable<ContentItem> {
  const { signal } = options;
  const from = new Date(since.getTime() - marginMs).toISOString();
  const search: Search = (containerId, subtree) =>
    collectAll(
      store.client.searchDocuments(
        libraryOf(containerId),
        { container_id: containerId, include_subtree: subtree, edit_date_from: from },
        { paging: 'cursor', ...(signal ? { signal } : {}) },
      ),
    );
  const roots = rootId === ROOT ? [] : [rootId];
  if (rootId === ROOT)
    for await (const workspace of store.listChildren(ROOT, signal)) roots.push(workspace.id);
  for (const root of roots) {
    if (!store.items.kinds.has(root)) await store.getItem(root);
    const changed = (await search(root, true)).filter((p) => classify(p).kind === 'document');
    if (changed.length === 0) continue;
    const unlocated = new Set<string>();
    for (const profile of changed) {
      const id = documentKey(profile.id);
      const parent = store.items.documentParents.get(id) ?? (await options.knownParent?.(id));
      if (parent) yield store.items.documentItem(profile, parent);
      else unlocated.add(id);
    }
    if (unlocated.size) yield* locate(store, root, unlocated, search, signal);
  }
}

type Search = (containerId: string, subtree: boolean) => Promise<DocumentProfile[]>;

async function* locate(
  store: ChangeContext,
  containerId: string,
  wanted: Set<string>,
  search: Search,
  signal?: AbortSignal,
): AsyncIterable<ContentItem> {
  if (store.items.kinds.get(containerId) === 'folder') {
    for (const profile of await search(containerId, false)) {
      const id = documentKey(profile.id);
      if (wanted.delete(id)) yield store.items.documentItem(profile, containerId);
    }
  }
  if (wanted.size === 0) return;
  const folders = await collectAll(store.subfolders(containerId, signal));
  for (const folder of folders) {
    if (wanted.size === 0) return;
    const inside = (await search(folder.id, true)).some((p) => wanted.has(documentKey(p.id)));
    if (inside) yield* locate(store, folder.id, wanted, search, signal);
  }
}

import { isAppError } from '../../errors.ts';
import type { ContentItem } from '../content.ts';
import type { DriveItemJson, DriveRef } from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';

/**
 * Documents changed since a time, from Graph's delta query. The engine keeps a time watermark per
 * workflow, and OneDrive for Business and SharePoint accept a URL-encoded timestamp as the delta
 * `token` ("driveItem: delta", example 4), so one delta round answers "what changed?" with calls that
 * grow with the changes, not with the library. Delta works on a drive's root only there, so changes
 * are filtered to the workflow's folder by walking each item's parents (by id: delta items carry no
 * parentReference.path). A 410 (resyncRequired, or a service that does not take timestamps) falls
 * back to a full pass over the folder, keeping documents modified since the watermark.
 */
export interface ChangeSource {
  client: GraphClient;
  /** The drive's real root id (Graph's), to recognise the top of a walk. */
  rootIdOf(driveId: string): Promise<string>;
  /** The engine's item for a Graph item whose parent is known. */
  item(json: DriveItemJson, driveId: string): Promise<ContentItem>;
  /** A full listing of the folder (the fallback). */
  walk(folderId: string, signal?: AbortSignal): AsyncIterable<ContentItem>;
}

export async function* driveChanges(
  source: ChangeSource,
  root: DriveRef,
  rootId: string,
  since: Date,
  signal?: AbortSignal,
): AsyncIterable<ContentItem> {
  let items: DriveItemJson[];
  try {
    items = await collect(source.client, root.driveId, since, signal);
  } catch (err) {
    if (!isAppError(err) || Number(err.details?.status) !== 410) throw err;
    for await (const item of source.walk(rootId, signal))
      if (item.kind === 'document' && (!item.modifiedAt || item.modifiedAt >= since)) yield item;
    return;
  }
  const driveRoot = await source.rootIdOf(root.driveId);
  const top = root.itemId === 'root' ? driveRoot : root.itemId;
  const parents = new Map<string, string | null>(items.map((i) => [i.id, i.parentReference?.id ?? null]));
  const inside = async (id: string): Promise<boolean> => {
    for (let current: string | null | undefined = id, hops = 0; current && hops < 200; hops++) {
      if (current === top) return true;
      if (current === driveRoot) return false;
      if (!parents.has(current))
        parents.set(current, await parentOf(source.client, root.driveId, current, signal));
      current = parents.get(current);
    }
    return false;
  };
  const latest = new Map<string, DriveItemJson>();
  for (const item of items) latest.set(item.id, item); // an item may appear more than once: the last wins
  for (const item of latest.values()) {
    if (item.deleted || !item.file || !item.parentReference?.id) continue;
    if (await inside(item.parentReference.id)) yield await source.item(item, root.driveId);
  }
}

async function collect(client: GraphClient, driveId: string, since: Date, signal?: AbortSignal) {
  const out: DriveItemJson[] = [];
  const pages = client.pages<DriveItemJson>(`/drives/${enc(driveId)}/root/delta`, {
    query: { token: since.toISOString() },
    ...(signal ? { signal } : {}),
  });
  for await (const item of pages) out.push(item);
  return out;
}

async function parentOf(client: GraphClient, driveId: string, id: string, signal?: AbortSignal) {
  const json = await client.json<DriveItemJson>('GET', `/drives/${enc(driveId)}/items/${enc(id)}`, {
    query: { $select: 'id,parentReference' },
    ...(signal ? { signal } : {}),
  });
  return json.parentReference?.id ?? null;
}

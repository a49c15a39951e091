import { ContentError, type ContentItem } from '../content.ts';
import { openDownload } from './download.ts';
import {
  type DriveItemJson,
  type DriveRef,
  driveItemId,
  itemPath,
  rootAlias,
  toContentItem,
} from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';
import { contentErrorFrom } from './graph-errors.ts';
import { uploadDocument } from './upload.ts';

/**
 * Renames and moves. Within one drive Graph moves an item in place (PATCH name and parentReference;
 * its id, versions and sharing links stay). Between drives (another library of the site, another
 * site, a OneDrive) Graph v1.0 refuses that PATCH ("Items cannot be moved between Drives using this
 * request"), so a move there is a verified copy and then a delete: each document's current version is
 * streamed into the new place (an upload session for large ones, committed only when its size matches),
 * its quickXorHash is checked against the original's, and only then is the original deleted. A folder
 * is created anew, its contents moved one by one, and the original removed only once empty. If a
 * copy fails its check, the copy is removed and the original stays; if the original cannot be deleted,
 * the copy is removed again, so an item is never in both places nor in neither.
 */
export interface RelocateDeps {
  client: GraphClient;
  ref(id: string): DriveRef;
  rootIdOf(driveId: string): Promise<string>;
}

type Target = { parentId: string; name: string };

const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

export async function relocateItem(
  deps: RelocateDeps,
  item: ContentItem,
  target: Target,
  signal?: AbortSignal,
): Promise<ContentItem> {
  const from = deps.ref(item.id);
  const to = deps.ref(target.parentId);
  try {
    if (from.driveId !== to.driveId) return await moveAcrossDrives(deps, from, to, target, signal);
    const parentGraphId = to.itemId === rootAlias ? await deps.rootIdOf(to.driveId) : to.itemId;
    const json = await deps.client.json<DriveItemJson>('PATCH', itemPath(from), {
      json: {
        name: target.name,
        parentReference: { id: parentGraphId },
        '@microsoft.graph.conflictBehavior': 'fail',
      },
      idempotent: true,
      ...signalOf(signal),
    });
    return toContentItem(json, from.driveId, target.parentId);
  } catch (err) {
    throw contentErrorFrom(err);
  }
}

async function moveAcrossDrives(
  deps: RelocateDeps,
  from: DriveRef,
  to: DriveRef,
  target: Target,
  signal?: AbortSignal,
): Promise<ContentItem> {
  if (from.itemId === rootAlias)
    throw new ContentError('content_invalid', 'A library or OneDrive itself is never moved.');
  const original = await deps.client.json<DriveItemJson>('GET', itemPath(from), signalOf(signal));
  return original.folder
    ? moveFolder(deps, from, original, to, target, signal)
    : moveDocument(deps, from, original, to, target, signal);
}

async function moveDocument(
  deps: RelocateDeps,
  from: DriveRef,
  original: DriveItemJson,
  to: DriveRef,
  target: Target,
  signal?: AbortSignal,
): Promise<ContentItem> {
  const { client } = deps;
  const download = await openDownload(client, `${itemPath(from)}/content`, signal);
  const expected = original.size ?? download.size;
  const uploaded = await uploadDocument(
    client,
    { parentPath: itemPath(to), name: target.name },
    download.stream,
    {
      ...(download.size !== undefined ? { size: download.size } : {}),
      ...signalOf(signal),
      verify(written) {
        if (expected !== undefined && written.size !== expected)
          throw mismatch(`${written.size} bytes arrived of ${expected}`);
      },
    },
  );
  const copy = { driveId: to.driveId, itemId: uploaded.item.id };
  const originalHash = original.file?.hashes?.quickXorHash;
  if (originalHash && originalHash !== uploaded.quickXorHash) {
    await removeQuietly(client, copy, signal);
    throw mismatch("the copy's quickXorHash differs from the original's");
  }
  await deleteOrUndo(client, from, copy, signal);
  return toContentItem(uploaded.item, to.driveId, target.parentId);
}

async function moveFolder(
  deps: RelocateDeps,
  from: DriveRef,
  original: DriveItemJson,
  to: DriveRef,
  target: Target,
  signal?: AbortSignal,
): Promise<ContentItem> {
  const { client } = deps;
  const created = await client.json<DriveItemJson>('POST', `${itemPath(to)}/children`, {
    json: { name: target.name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
    ...signalOf(signal),
  });
  const folderId = driveItemId(to.driveId, created.id);
  const children: DriveItemJson[] = [];
  for await (const child of client.pages<DriveItemJson>(`${itemPath(from)}/children`, signalOf(signal)))
    children.push(child);
  for (const child of children) {
    const childRef = { driveId: from.driveId, itemId: child.id };
    const next = { parentId: folderId, name: child.name ?? '' };
    const newParent = { driveId: to.driveId, itemId: created.id };
    await (child.folder
      ? moveFolder(deps, childRef, child, newParent, next, signal)
      : moveDocument(deps, childRef, child, newParent, next, signal));
  }
  for await (const _left of client.pages<DriveItemJson>(`${itemPath(from)}/children`, signalOf(signal)))
    throw new ContentError(
      'content_conflict',
      `"${original.name}" gained items while it was being moved; they stay in the original folder.`,
    );
  await client.json('DELETE', itemPath(from), signalOf(signal));
  return toContentItem(created, to.driveId, target.parentId);
}

/** Deletes the original; if that fails, takes the copy away again so the item is in one place. */
async function deleteOrUndo(client: GraphClient, original: DriveRef, copy: DriveRef, signal?: AbortSignal) {
  try {
    await client.json('DELETE', itemPath(original), signalOf(signal));
  } catch (err) {
    await removeQuietly(client, copy, signal);
    throw err;
  }
}

async function removeQuietly(client: GraphClient, ref: DriveRef, signal?: AbortSignal) {
  await client
    .json('DELETE', `/drives/${enc(ref.driveId)}/items/${enc(ref.itemId)}`, signalOf(signal))
    .catch(() => undefined);
}

function mismatch(detail: string): ContentError {
  return new ContentError(
    'content_invalid',
    `The copy in the new library did not match the original (${detail}), so it was removed and the original was kept where it is.`,
    { retryable: true },
  );
}

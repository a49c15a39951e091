import type { ContentItem } from '../content.ts';
import { enc } from './graph-client.ts';

/**
 * How SharePoint content is named inside Lexbridge. A document or folder is `{driveId}/{itemId}`
 * (Graph ids never contain "/"), a drive's root folder `{driveId}/root`, so a document library or a
 * OneDrive is a location like any folder. Above the drives sit virtual folders for browsing: '' (the
 * top), `sites:followed`, `sites:search:{text}` (`*` for all), `site:{siteId}`, `teams`, `team:{teamId}`.
 */
export interface DriveItemJson {
  id: string;
  name?: string;
  size?: number;
  lastModifiedDateTime?: string;
  eTag?: string;
  cTag?: string;
  webUrl?: string;
  root?: Record<string, never>;
  folder?: { childCount?: number };
  file?: { mimeType?: string; hashes?: { quickXorHash?: string; sha256Hash?: string } };
  deleted?: { state?: string };
  parentReference?: { driveId?: string; driveType?: string; id?: string; siteId?: string; path?: string };
  lastModifiedBy?: { user?: { displayName?: string; email?: string } };
  createdBy?: { user?: { displayName?: string; email?: string } };
}

export interface DriveRef {
  driveId: string;
  /** 'root' for the drive's root folder. */
  itemId: string;
}

export const rootAlias = 'root';

export function driveItemId(driveId: string, itemId: string): string {
  return `${driveId}/${itemId}`;
}

/** The drive and item an id names, or undefined for the virtual browsing folders. */
export function driveRef(id: string): DriveRef | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || /^(sites:|site:|teams$|team:)/.test(id)) return undefined;
  return { driveId: id.slice(0, slash), itemId: id.slice(slash + 1) };
}

/** The Graph path of an item: `/drives/{d}/root` or `/drives/{d}/items/{i}`. */
export function itemPath(ref: DriveRef): string {
  return ref.itemId === rootAlias
    ? `/drives/${enc(ref.driveId)}/root`
    : `/drives/${enc(ref.driveId)}/items/${enc(ref.itemId)}`;
}

/** What SharePoint says of a document beyond its bytes: "Created by" and "Modified by". */
function metadataOf(json: DriveItemJson): ContentItem['metadata'] {
  const who = (set?: { user?: { displayName?: string; email?: string } }) =>
    set?.user?.displayName ?? set?.user?.email;
  const author = who(json.createdBy);
  const modifiedBy = who(json.lastModifiedBy);
  return { system: 'SharePoint', ...(author ? { author } : {}), ...(modifiedBy ? { modifiedBy } : {}) };
}

/** Graph's quickXorHash and SharePoint's version label, carried as the engine's version. */
export function toContentItem(json: DriveItemJson, driveId: string, parentId: string | null): ContentItem {
  const isFolder = json.folder !== undefined || json.root !== undefined;
  const hash = json.file?.hashes?.quickXorHash;
  return {
    id: driveItemId(driveId, json.root ? rootAlias : json.id),
    kind: isFolder ? 'folder' : 'document',
    name: json.name ?? '',
    parentId,
    ...(!isFolder && json.size !== undefined ? { size: json.size } : {}),
    ...(json.lastModifiedDateTime ? { modifiedAt: new Date(json.lastModifiedDateTime) } : {}),
    ...(json.webUrl ? { webUrl: json.webUrl } : {}),
    ...(!isFolder ? { metadata: metadataOf(json) } : {}),
    // The content tag changes exactly when the content does, so it is the version the engine compares.
    ...(!isFolder && (json.cTag || hash) ? { version: json.cTag ?? `qxh:${hash}` } : {}),
  };
}

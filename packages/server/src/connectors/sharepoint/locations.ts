import type { ContentItem, FolderBrowsing } from '../content.ts';
import { type DriveItemJson, driveItemId, rootAlias } from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';

/**
 * The folders above the drives, for the folder browser: the person's OneDrive, the SharePoint sites
 * they follow (`/me/followedSites`), all sites they can reach or those matching a name
 * (`/sites?search=`), each site's document libraries (`/sites/{id}/drives`), and the Teams they belong
 * to (`/me/joinedTeams`) with each channel's files folder (`/teams/{id}/channels/{id}/filesFolder`).
 * These folders hold no documents, so workflows never write into them.
 */
export const virtualRoot = '';
const followed = 'sites:followed';
const searchPrefix = 'sites:search:';
const allSites = `${searchPrefix}*`;
const teams = 'teams';

export function isVirtual(id: string): boolean {
  return id === virtualRoot || /^(sites:|site:|teams$|team:)/.test(id);
}

/**
 * What the folder browser offers in a folder: the virtual folders hold no documents, and the top and
 * the site lists offer a search for sites by name (the folder `sites:search:<text>`).
 */
export function folderBrowsing(id: string): FolderBrowsing {
  if (!isVirtual(id)) return { holdsDocuments: true };
  if (id !== virtualRoot && !id.startsWith('sites:')) return { holdsDocuments: false };
  return {
    holdsDocuments: false,
    siteSearch: { label: 'Search sites by name', folderId: `${searchPrefix}{text}` },
  };
}

const folder = (id: string, name: string, parentId: string | null): ContentItem => ({
  id,
  kind: 'folder',
  name,
  parentId,
});

/** A drive's SharePoint identifiers (`$select=sharepointIds`), where Graph names the drive's site. */
export interface SharepointIds {
  siteId?: string;
  siteUrl?: string;
  webId?: string;
}

/**
 * The virtual folder of a document library's site, `site:{hostname},{siteId},{webId}` as Graph's site
 * ids read, from the library root's `parentReference.siteId` where Graph gives one, else from the
 * drive's `sharepointIds`; the top for drives that are no site's library (a OneDrive). A site's own
 * parent is the top too, as a site is reached from the followed sites, a search or All sites alike.
 */
export function libraryParent(
  drive: { driveType?: string; sharepointIds?: SharepointIds },
  rootSiteId: string | undefined,
): string {
  if (drive.driveType !== 'documentLibrary') return virtualRoot;
  if (rootSiteId) return `site:${rootSiteId}`;
  const ids = drive.sharepointIds;
  if (!ids?.siteId || !ids.webId || !ids.siteUrl || !URL.canParse(ids.siteUrl)) return virtualRoot;
  return `site:${new URL(ids.siteUrl).hostname},${ids.siteId},${ids.webId}`;
}

interface Site {
  id: string;
  displayName?: string;
  name?: string;
}

/** The virtual folder itself (its name), or undefined when it needs Graph to name it. */
export function knownVirtual(id: string): ContentItem | undefined {
  if (id === virtualRoot) return folder(virtualRoot, '', null);
  if (id === followed) return folder(followed, 'Sites I follow', virtualRoot);
  if (id === teams) return folder(teams, 'Teams', virtualRoot);
  if (id.startsWith(searchPrefix)) {
    const text = id.slice(searchPrefix.length);
    return folder(id, text === '*' ? 'All sites' : `Sites matching "${text}"`, virtualRoot);
  }
  return undefined;
}

export async function virtualItem(
  client: GraphClient,
  id: string,
  signal?: AbortSignal,
): Promise<ContentItem> {
  const known = knownVirtual(id);
  if (known) return known;
  const options = signal ? { signal } : {};
  if (id.startsWith('site:')) {
    const site = await client.json<Site>('GET', `/sites/${enc(id.slice(5))}`, options);
    return folder(id, site.displayName ?? site.name ?? site.id, virtualRoot);
  }
  const team = await client.json<{ displayName?: string }>('GET', `/teams/${enc(id.slice(5))}`, options);
  return folder(id, team.displayName ?? id.slice(5), teams);
}

async function* oneDrive(client: GraphClient, signal?: AbortSignal): AsyncIterable<ContentItem> {
  const drive = await client.json<{ id: string }>('GET', '/me/drive', signal ? { signal } : {});
  yield folder(driveItemId(drive.id, rootAlias), 'My OneDrive', virtualRoot);
}

/** The children of a virtual folder: further virtual folders, or drive folders (libraries, channel folders). */
export async function* virtualChildren(
  client: GraphClient,
  id: string,
  signal?: AbortSignal,
): AsyncIterable<ContentItem> {
  const options = signal ? { signal } : {};
  if (id === virtualRoot) {
    yield* oneDrive(client, signal);
    yield folder(followed, 'Sites I follow', virtualRoot);
    yield folder(allSites, 'All sites', virtualRoot);
    yield folder(teams, 'Teams', virtualRoot);
    return;
  }
  if (id === followed || id.startsWith(searchPrefix)) {
    const path = id === followed ? '/me/followedSites' : '/sites';
    const query = id === followed ? {} : { search: id.slice(searchPrefix.length) };
    for await (const site of client.pages<Site>(path, { query, ...options }))
      yield folder(`site:${site.id}`, site.displayName ?? site.name ?? site.id, id);
    return;
  }
  if (id.startsWith('site:')) {
    for await (const drive of client.pages<{ id: string; name?: string }>(
      `/sites/${enc(id.slice(5))}/drives`,
      options,
    ))
      yield folder(driveItemId(drive.id, rootAlias), drive.name ?? drive.id, id);
    return;
  }
  if (id === teams) {
    for await (const team of client.pages<{ id: string; displayName?: string }>('/me/joinedTeams', options))
      yield folder(`team:${team.id}`, team.displayName ?? team.id, teams);
    return;
  }
  yield* channelFolders(client, id, signal);
}

/** Each channel as its files folder (a folder of the team site's library, or of a private channel's own site). */
async function* channelFolders(client: GraphClient, teamVirtualId: string, signal?: AbortSignal) {
  const teamId = enc(teamVirtualId.slice(5));
  const options = signal ? { signal } : {};
  for await (const channel of client.pages<{ id: string; displayName?: string }>(
    `/teams/${teamId}/channels`,
    options,
  )) {
    const files = await client
      .json<DriveItemJson>('GET', `/teams/${teamId}/channels/${enc(channel.id)}/filesFolder`, options)
      .catch(() => undefined);
    const driveId = files?.parentReference?.driveId;
    if (!files || !driveId) continue; // a channel whose files folder was never provisioned
    yield folder(
      driveItemId(driveId, files.id),
      channel.displayName ?? files.name ?? channel.id,
      teamVirtualId,
    );
  }
}

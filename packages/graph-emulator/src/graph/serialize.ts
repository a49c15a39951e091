/** JSON representations of Graph resources, as SharePoint Online returns them. */
import type { EmulatorContext } from '../context.ts';
import type { Drive, DriveItem, FileVersion, IdentitySet, Site, User } from '../model.ts';
import type { Query } from './odata.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const identity = (who: IdentitySet) => ({
  user: { email: who.email, id: who.id, displayName: who.displayName },
});

export const eTag = (item: DriveItem) => `"{${item.uniqueId}},${item.eTagVersion}"`;
export const cTag = (item: DriveItem) => `"c:{${item.uniqueId}},${item.cTagVersion}"`;

export function currentVersion(item: DriveItem): FileVersion | undefined {
  return item.versions.at(-1);
}

export function itemSize(ctx: EmulatorContext, item: DriveItem): number {
  if (item.kind === 'file') return currentVersion(item)?.size ?? 0;
  return ctx.store.subtree(item).reduce((sum, inside) => sum + (currentVersion(inside)?.size ?? 0), 0);
}

export function downloadUrl(ctx: EmulatorContext, item: DriveItem, versionId?: string): string {
  const target = { driveId: item.driveId, itemId: item.id, ...(versionId ? { versionId } : {}) };
  return `${ctx.urls().content}/download/${ctx.links.sign(target, ctx.clock.now())}`;
}

export interface ItemOptions {
  /** delta leaves parentReference.path out (track items by id). */
  withPath?: boolean;
}

function parentReference(ctx: EmulatorContext, drive: Drive, item: DriveItem, options: ItemOptions) {
  const reference: Record<string, unknown> = { driveType: drive.driveType, driveId: drive.id };
  const parent = item.parentId ? ctx.store.items.get(item.parentId) : undefined;
  if (!parent) return reference;
  reference.id = parent.id;
  reference.name = parent.parentId ? parent.name : drive.name;
  if (options.withPath !== false) reference.path = `/drives/${drive.id}/root:${ctx.store.pathOf(parent)}`;
  reference.siteId = drive.siteId;
  return reference;
}

function webUrl(ctx: EmulatorContext, drive: Drive, item: DriveItem): string {
  const path = ctx.store.pathOf(item);
  return `${drive.webUrl}${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function driveItemJson(ctx: EmulatorContext, item: DriveItem, options: ItemOptions = {}) {
  const drive = ctx.store.drive(item.driveId);
  if (item.deletedAt !== undefined) {
    return {
      id: item.id,
      name: item.name,
      parentReference: parentReference(ctx, drive, item, { withPath: false }),
      deleted: { state: 'deleted' },
      ...(item.kind === 'folder' ? { folder: {} } : { file: {} }),
    };
  }
  const version = currentVersion(item);
  return {
    ...(version ? { '@microsoft.graph.downloadUrl': downloadUrl(ctx, item) } : {}),
    createdDateTime: iso(item.createdAt),
    eTag: eTag(item),
    id: item.id,
    lastModifiedDateTime: iso(item.modifiedAt),
    name: item.name,
    webUrl: webUrl(ctx, drive, item),
    cTag: cTag(item),
    size: itemSize(ctx, item),
    createdBy: identity(item.createdBy),
    lastModifiedBy: identity(item.modifiedBy),
    parentReference: parentReference(ctx, drive, item, options),
    fileSystemInfo: {
      createdDateTime: iso(item.fileCreatedAt),
      lastModifiedDateTime: iso(item.fileModifiedAt),
    },
    ...(item.parentId === null ? { root: {} } : {}),
    ...(version
      ? { file: { mimeType: version.mimeType, hashes: { quickXorHash: version.quickXorHash } } }
      : { folder: { childCount: ctx.store.childCount(item) } }),
  };
}

/** Whether `$select` names a property (Graph compares property names without regard to case). */
function selects(query: Query, property: string): boolean {
  const select = query.$select ?? query.select ?? '';
  return select.split(',').some((name) => name.trim().toLowerCase() === property.toLowerCase());
}

/**
 * A drive's SharePoint identifiers, as Graph returns them only when `$select` asks for
 * `sharepointIds`: the site collection (SPSite) and site (SPWeb) GUIDs of the composite site id
 * `{hostname},{siteId},{webId}`, the site's URL, the library's list and the tenant.
 */
function sharepointIds(drive: Drive, site: Site) {
  const [, siteId, webId] = site.id.split(',');
  return { listId: drive.listId, siteId, siteUrl: site.webUrl, tenantId: site.tenantId, webId };
}

export function driveJson(ctx: EmulatorContext, drive: Drive, query: Query = {}) {
  const site = ctx.store.siteOfDrive(drive);
  const owner = site.personalOwnerId ? ctx.store.users.get(site.personalOwnerId) : undefined;
  const used = itemSize(ctx, ctx.store.item(drive.id, drive.rootId));
  const total = 1024 ** 4;
  return {
    createdDateTime: iso(drive.createdAt),
    description: drive.description,
    id: drive.id,
    lastModifiedDateTime: iso(drive.createdAt),
    name: drive.name,
    webUrl: drive.webUrl,
    driveType: drive.driveType,
    createdBy: { user: { displayName: 'System Account' } },
    owner: owner
      ? identity(ctx.store.identity(owner))
      : { group: { id: site.id.split(',')[1], displayName: site.displayName } },
    quota: { deleted: 0, remaining: total - used, state: 'normal', total, used },
    ...(selects(query, 'sharepointIds') ? { sharepointIds: sharepointIds(drive, site) } : {}),
  };
}

export function siteJson(site: Site) {
  return {
    createdDateTime: iso(site.createdAt),
    description: site.description,
    id: site.id,
    lastModifiedDateTime: iso(site.createdAt),
    name: site.name,
    webUrl: site.webUrl,
    displayName: site.displayName,
    siteCollection: { hostname: site.id.split(',')[0] },
  };
}

export function userJson(user: User) {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

export function versionJson(version: FileVersion) {
  return {
    id: version.id,
    lastModifiedDateTime: iso(version.modifiedAt),
    size: version.size,
    lastModifiedBy: identity(version.modifiedBy),
  };
}

/**
 * A drive and its items, addressed by id (`/items/{id}`) or by path (`/root:/a/b:`,
 * `/items/{id}:/rel/path:`): get, rename and move (PATCH with name / parentReference), delete,
 * children (list with paging, POST to create a folder), versions, list item fields; content and
 * uploads are in transfer.ts, delta in delta.ts.
 */
import { GraphError, invalidRequest, itemNotFound } from '../errors.ts';
import type { Drive, DriveItem } from '../model.ts';
import { parseConflictBehavior } from '../store/items.ts';
import { PERMISSIONS, requireDriveAccess, requireScope } from './auth.ts';
import { type Call, collection, graphUrl, only, type ParsedPath, readJson, segmentNotFound } from './call.ts';
import { deltaRoute } from './delta.ts';
import { applySelect, type Json, page } from './odata.ts';
import { permissionsRoute } from './permissions.ts';
import { cTag, driveItemJson, driveJson, eTag, versionJson } from './serialize.ts';
import { contentRoute, createUploadSessionRoute, versionContentRoute } from './transfer.ts';

/** An existing item, or (for uploads) the folder and name of one about to be created. */
export type Target =
  | { item: DriveItem; byPath?: boolean }
  | { parent: DriveItem; name: string; missingFolders: string[] };

export function resolveTarget(call: Call, base: DriveItem, relativePath: string | undefined): Target {
  if (relativePath === undefined) return { item: base };
  const names = relativePath.split('/').filter(Boolean);
  const found = call.ctx.store.resolvePath(base, names.join('/'));
  if (found) return { item: found, byPath: true };
  const name = names.at(-1);
  if (!name || base.kind !== 'folder') throw itemNotFound();
  return { parent: base, name, missingFolders: names.slice(0, -1) };
}

/**
 * The folder a new file goes into. As Graph does for path-based uploads, missing folders on the way
 * are created (by the caller, who must be allowed to write).
 */
export function uploadFolder(call: Call, target: { parent: DriveItem; missingFolders: string[] }): DriveItem {
  let folder = target.parent;
  for (const name of target.missingFolders) {
    const next = call.ctx.store.childNamed(folder, name);
    if (next && next.kind !== 'folder') throw itemNotFound();
    folder = next ?? call.ctx.changes.createFolder(folder, name, call.caller.user, 'fail');
  }
  return folder;
}

export function existing(target: Target): DriveItem {
  if ('item' in target) return target.item;
  throw itemNotFound();
}

/** 412 when If-Match names neither the item's current eTag nor its cTag. */
export function checkIfMatch(call: Call, item: DriveItem): void {
  const ifMatch = call.request.headers['if-match'];
  if (typeof ifMatch !== 'string' || ifMatch === '*') return;
  if (ifMatch !== eTag(item) && ifMatch !== cTag(item)) {
    throw new GraphError(412, 'preconditionFailed', "ETag does not match current item's value");
  }
}

export async function driveRoutes(
  call: Call,
  drive: Drive,
  rest: string[],
  path: ParsedPath,
): Promise<unknown> {
  const { ctx } = call;
  const [first, second] = rest;
  if (first === undefined) {
    only(call, 'GET');
    requireDriveAccess(ctx, call.caller, drive, 'read');
    return applySelect(driveJson(ctx, drive, call.query), call.query);
  }
  if (first === 'list') return listRoutes(call, drive, rest.slice(1));
  let base: DriveItem;
  let suffix: string[];
  if (first === 'root') {
    base = ctx.store.item(drive.id, drive.rootId);
    suffix = rest.slice(1);
  } else if (first === 'items' && second) {
    base = ctx.store.item(drive.id, second);
    suffix = rest.slice(2);
  } else {
    throw segmentNotFound(first);
  }
  if (path.relativePath !== undefined) {
    if (suffix.length > 0) throw segmentNotFound(suffix[0]);
    return itemRoutes(call, drive, resolveTarget(call, base, path.relativePath), path.suffix);
  }
  return itemRoutes(call, drive, { item: base }, suffix);
}

async function itemRoutes(call: Call, drive: Drive, target: Target, suffix: string[]): Promise<unknown> {
  const [action, id, sub] = suffix;
  if (action === 'content') return contentRoute(call, drive, target);
  if (action === 'createUploadSession') return createUploadSessionRoute(call, drive, target);
  const item = existing(target);
  if (action === undefined) return itemRoute(call, drive, item);
  if (action === 'children') return childrenRoute(call, drive, item);
  if (action?.startsWith('delta')) return deltaRoute(call, drive, item, action);
  if (action === 'versions') return versionsRoute(call, drive, item, id, sub);
  if (action === 'permissions') return permissionsRoute(call, drive, item, id);
  if (action === 'listItem' && (id === undefined || id === 'fields'))
    return fieldsRoute(call, drive, item, id);
  throw segmentNotFound(action);
}

async function itemRoute(call: Call, drive: Drive, item: DriveItem): Promise<unknown> {
  const { ctx, caller } = call;
  if (call.method === 'GET') {
    requireDriveAccess(ctx, caller, drive, 'read', item);
    return applySelect(driveItemJson(ctx, item), call.query);
  }
  requireDriveAccess(ctx, caller, drive, 'write', item);
  checkIfMatch(call, item);
  if (call.method === 'DELETE') {
    ctx.changes.delete(item, caller.user);
    call.reply.code(204);
    return undefined;
  }
  only(call, 'PATCH');
  const body = await readJson(call);
  const parentRef = body.parentReference as { id?: string; driveId?: string } | undefined;
  if (parentRef?.driveId && parentRef.driveId !== drive.id) {
    throw invalidRequest('Moving items between drives is not supported; copy them.');
  }
  const parent = parentRef?.id ? ctx.store.item(drive.id, parentRef.id) : undefined;
  if (parent && parent.kind !== 'folder') throw invalidRequest('The destination is not a folder.');
  const name = typeof body.name === 'string' ? body.name : undefined;
  const behavior = parseConflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
  ctx.changes.update(
    item,
    { ...(name !== undefined ? { name } : {}), ...(parent ? { parent } : {}) },
    caller.user,
    behavior,
  );
  return driveItemJson(ctx, item);
}

async function childrenRoute(call: Call, drive: Drive, folder: DriveItem): Promise<unknown> {
  const { ctx, caller } = call;
  if (folder.kind !== 'folder') throw itemNotFound();
  if (call.method === 'GET') {
    requireDriveAccess(ctx, caller, drive, 'read', folder);
    const self = graphUrl(call, `drives/${drive.id}/items/${folder.id}/children`);
    return page(ctx.store.children(folder), call.query, self, (child) => driveItemJson(ctx, child));
  }
  only(call, 'POST');
  requireDriveAccess(ctx, caller, drive, 'write', folder);
  const body = await readJson(call);
  if (typeof body.name !== 'string') throw invalidRequest('The name of the item is missing.');
  if (body.folder === undefined) {
    throw invalidRequest('Creating a file this way is not supported: upload its content with PUT …/content.');
  }
  const behavior = parseConflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
  const created = ctx.changes.createFolder(folder, body.name, caller.user, behavior);
  call.reply.code(201);
  return driveItemJson(ctx, created);
}

async function versionsRoute(call: Call, drive: Drive, item: DriveItem, id?: string, sub?: string) {
  const { ctx, caller } = call;
  if (item.kind !== 'file') throw invalidRequest('Only files have versions.');
  requireDriveAccess(ctx, caller, drive, sub === 'restoreVersion' ? 'write' : 'read', item);
  if (id === undefined) {
    only(call, 'GET');
    return collection(
      [...item.versions].reverse().map((version) => applySelect(versionJson(version), call.query)),
    );
  }
  const version = item.versions.find((candidate) => candidate.id === id);
  if (!version) throw itemNotFound('The version could not be found.');
  if (sub === undefined) return versionJson(version);
  if (sub === 'content') return versionContentRoute(call, item, version);
  if (sub === 'restoreVersion') {
    only(call, 'POST');
    ctx.changes.restoreVersion(item, version, caller.user);
    call.reply.code(204);
    return undefined;
  }
  throw segmentNotFound(sub);
}

async function fieldsRoute(call: Call, drive: Drive, item: DriveItem, fields: string | undefined) {
  const { ctx, caller } = call;
  const values = (): Json => ({ ...item.fields, FileLeafRef: item.name });
  if (call.method === 'GET') {
    requireDriveAccess(ctx, caller, drive, 'read', item);
    return fields ? values() : { id: item.id, fields: values() };
  }
  only(call, 'PATCH');
  if (!fields) throw segmentNotFound('listItem');
  requireDriveAccess(ctx, caller, drive, 'write', item);
  const body = await readJson(call);
  const known = new Map(drive.columns.map((column) => [column.name, column]));
  const changes: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(body)) {
    const column = known.get(name);
    if (!column) throw invalidRequest(`Field '${name}' is not recognized`);
    if (column.type === 'number' ? typeof value !== 'number' : typeof value !== 'string') {
      throw invalidRequest(`The value of field '${name}' must be a ${column.type}.`);
    }
    changes[name] = value as string | number;
  }
  ctx.changes.setFields(item, changes, caller.user);
  return values();
}

function listRoutes(call: Call, drive: Drive, rest: string[]): unknown {
  only(call, 'GET');
  requireScope(call.caller, PERMISSIONS.fileRead);
  requireDriveAccess(call.ctx, call.caller, drive, 'read');
  const columns = drive.columns.map((column) => ({
    id: column.name,
    name: column.name,
    displayName: column.displayName,
    ...(column.type === 'number' ? { number: {} } : { text: { allowMultipleLines: false, maxLength: 255 } }),
  }));
  if (rest[0] === 'columns') return collection(columns);
  if (rest[0] !== undefined) throw segmentNotFound(rest[0]);
  return {
    id: drive.listId,
    name: drive.name,
    displayName: drive.name,
    list: { template: 'documentLibrary' },
  };
}

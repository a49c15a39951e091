/**
 * …/items/{id}/permissions: list the grants that apply to an item, get one, change its roles (PATCH,
 * only `roles`), remove it (DELETE). As in SharePoint, only the item's own grants (once it stopped
 * inheriting) can be changed or removed: an inherited one is refused with 403 notAllowed, and so is
 * an owner's. Inherited grants carry no `inheritedFrom` (SharePoint libraries leave it out).
 */
import { GraphError, invalidRequest, itemNotFound } from '../errors.ts';
import type { Drive, DriveItem, ItemPermission } from '../model.ts';
import { effectiveGrants } from '../store/permissions.ts';
import { requireDriveAccess } from './auth.ts';
import { type Call, collection, only, readJson } from './call.ts';

const notAllowed = (why: string) => new GraphError(403, 'notAllowed', `Operation not allowed: ${why}`);

function identity(call: Call, userId: string) {
  const user = call.ctx.store.users.get(userId);
  const who = { id: userId, displayName: user?.displayName ?? userId, email: user?.userPrincipalName ?? '' };
  return { user: who, siteUser: { ...who, loginName: `i:0#.f|membership|${who.email}` } };
}

function permissionJson(call: Call, item: DriveItem, grant: ItemPermission) {
  if (grant.link)
    return {
      id: grant.id,
      roles: grant.roles,
      shareId: `s!${grant.id}`,
      hasPassword: false,
      link: {
        type: grant.link.type,
        scope: grant.link.scope,
        webUrl: `${call.ctx.store.drive(item.driveId).webUrl}/:f:/s/${grant.id}`,
        preventsDownload: false,
      },
      grantedToIdentitiesV2: grant.link.userIds.map((id) => identity(call, id)),
    };
  return {
    id: grant.id,
    roles: grant.roles,
    ...(grant.userId ? { grantedToV2: identity(call, grant.userId) } : {}),
  };
}

export async function permissionsRoute(call: Call, drive: Drive, item: DriveItem, id: string | undefined) {
  const grants = effectiveGrants(call.ctx.store, item);
  if (id === undefined) {
    only(call, 'GET');
    requireDriveAccess(call.ctx, call.caller, drive, 'read', item);
    return collection(grants.map((grant) => permissionJson(call, item, grant)));
  }
  const found = grants.find((grant) => grant.id === id);
  if (!found) throw itemNotFound('The permission could not be found.');
  if (call.method === 'GET') {
    requireDriveAccess(call.ctx, call.caller, drive, 'read', item);
    return permissionJson(call, item, found);
  }
  only(call, 'PATCH', 'DELETE');
  requireDriveAccess(call.ctx, call.caller, drive, 'write', item);
  const own = item.permissions;
  if (!own?.includes(found))
    throw notAllowed('the permission is inherited; only unique permissions can be changed.');
  if (found.roles.includes('owner')) throw notAllowed("an owner's permission cannot be changed.");
  if (call.method === 'DELETE') {
    own.splice(own.indexOf(found), 1);
    call.ctx.store.onChange();
    call.reply.code(204);
    return undefined;
  }
  const body = await readJson(call);
  const roles = body.roles;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => r === 'read' || r === 'write'))
    throw invalidRequest('roles must be a non-empty list of "read" and "write".');
  if (Object.keys(body).some((key) => key !== 'roles'))
    throw invalidRequest('Only the roles property can be modified.');
  if (found.link) throw invalidRequest("A sharing link's roles cannot be changed; remove the link instead.");
  found.roles = roles as ItemPermission['roles'];
  call.ctx.store.onChange();
  return permissionJson(call, item, found);
}

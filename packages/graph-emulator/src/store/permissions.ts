/**
 * Item permissions as SharePoint applies them: an item inherits the site's roles until someone stops
 * the inheritance, after which its own grants (people and sharing links) apply to it and to everything
 * below it that does not stop inheriting in turn. Only an item's own grants can be changed or removed;
 * inherited ones are refused, as Graph refuses to delete a permission that is not the item's own.
 */
import type { DriveItem, ItemPermission, SiteRole } from '../model.ts';
import type { Store } from './store.ts';

const rank = { read: 1, write: 2, owner: 3 } as const;

/** The nearest item (itself or an ancestor) whose own permissions apply, or undefined: the site's. */
export function permissionSource(store: Store, item: DriveItem): DriveItem | undefined {
  for (let current: DriveItem | undefined = item; current; ) {
    if (current.permissions) return current;
    current = current.parentId ? store.items.get(current.parentId) : undefined;
  }
  return undefined;
}

/** The grants that apply to the item: its own or an ancestor's, else one per person with a site role. */
export function effectiveGrants(store: Store, item: DriveItem): ItemPermission[] {
  const source = permissionSource(store, item);
  if (source?.permissions) return source.permissions;
  const site = store.site(store.drive(item.driveId).siteId);
  return Object.entries(site.roles).map(([userId, role]) => ({
    id: `site.${userId}`,
    roles: [role],
    userId,
  }));
}

/** What a person may do with the item: the strongest grant that reaches them. */
export function roleOn(store: Store, item: DriveItem, userId: string): SiteRole | undefined {
  let best = 0;
  for (const grant of effectiveGrants(store, item)) {
    const reaches = grant.userId === userId || grant.link?.userIds.includes(userId);
    if (!reaches) continue;
    for (const role of grant.roles) best = Math.max(best, rank[role]);
  }
  if (best === 0) return undefined;
  return best >= rank.write ? 'write' : 'read';
}

/** Stops the item inheriting: its grants become a copy of those that applied, with ids of its own. */
export function stopInheriting(store: Store, item: DriveItem): ItemPermission[] {
  if (!item.permissions)
    item.permissions = effectiveGrants(store, item).map((grant) => ({
      ...structuredClone(grant),
      id: store.ids.guid(),
    }));
  store.onChange();
  return item.permissions;
}

/** Adds a grant to an item that has its own permissions (stopping inheritance first). */
export function grant(store: Store, item: DriveItem, permission: Omit<ItemPermission, 'id'>): ItemPermission {
  const added = { ...permission, id: store.ids.guid() };
  stopInheriting(store, item).push(added);
  store.onChange();
  return added;
}

/**
 * The directory (tenants, users, app registrations) and the content (sites, drives, items, teams).
 * Look-ups live here; item changes live in items.ts so both stay short.
 */
import type { Clock } from '../clock.ts';
import { itemNotFound } from '../errors.ts';
import type { IdGenerator } from '../ids.ts';
import type { AppRegistration, Drive, DriveItem, IdentitySet, Site, Team, Tenant, User } from '../model.ts';
import type { BlobStore } from './blobs.ts';

export class Store {
  readonly tenants = new Map<string, Tenant>();
  readonly users = new Map<string, User>();
  readonly apps = new Map<string, AppRegistration>();
  readonly sites = new Map<string, Site>();
  readonly drives = new Map<string, Drive>();
  readonly items = new Map<string, DriveItem>();
  readonly teams = new Map<string, Team>();
  /** Live children of each folder, by id (kept by link/unlink). */
  readonly #childIds = new Map<string, Set<string>>();
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly blobs: BlobStore;
  /** Called after every change (state saving). */
  onChange: () => void = () => {};

  constructor(clock: Clock, ids: IdGenerator, blobs: BlobStore) {
    this.clock = clock;
    this.ids = ids;
    this.blobs = blobs;
  }

  /** By id or by any of its domains, case-insensitively. */
  findTenant(idOrDomain: string): Tenant | undefined {
    const wanted = idOrDomain.toLowerCase();
    for (const tenant of this.tenants.values()) {
      if (tenant.id === wanted || tenant.domains.includes(wanted)) return tenant;
    }
    return undefined;
  }

  findUserByLogin(tenantId: string, login: string): User | undefined {
    const wanted = login.trim().toLowerCase();
    for (const user of this.users.values()) {
      if (user.tenantId === tenantId && user.userPrincipalName.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /** By id or userPrincipalName (as /users/{id | userPrincipalName} accepts). */
  findUser(idOrUpn: string): User | undefined {
    const wanted = idOrUpn.toLowerCase();
    return [...this.users.values()].find(
      (user) => user.id === wanted || user.userPrincipalName.toLowerCase() === wanted,
    );
  }

  identity(user: User): IdentitySet {
    return { id: user.id, displayName: user.displayName, email: user.userPrincipalName };
  }

  site(id: string): Site {
    const site = this.sites.get(id.toLowerCase()) ?? this.sites.get(id);
    if (!site) throw itemNotFound('Requested site could not be found');
    return site;
  }

  drive(id: string): Drive {
    const drive = this.drives.get(id);
    if (!drive) throw itemNotFound('The drive could not be found.');
    return drive;
  }

  oneDriveOf(user: User): Drive {
    const site = [...this.sites.values()].find((s) => s.personalOwnerId === user.id);
    const driveId = site?.driveIds[0];
    if (!driveId) throw itemNotFound('The user does not have a OneDrive.');
    return this.drive(driveId);
  }

  /** A live (not deleted) item of the drive. */
  item(driveId: string, itemId: string): DriveItem {
    const item = this.items.get(itemId);
    if (!item || item.driveId !== driveId || item.deletedAt !== undefined) throw itemNotFound();
    return item;
  }

  /** Adds a live item to its parent's children. */
  link(item: DriveItem): void {
    if (item.parentId === null) return;
    let ids = this.#childIds.get(item.parentId);
    if (!ids) {
      ids = new Set();
      this.#childIds.set(item.parentId, ids);
    }
    ids.add(item.id);
  }

  unlink(item: DriveItem): void {
    if (item.parentId !== null) this.#childIds.get(item.parentId)?.delete(item.id);
  }

  #childItems(folder: DriveItem): DriveItem[] {
    return [...(this.#childIds.get(folder.id) ?? [])].flatMap((id) => this.items.get(id) ?? []);
  }

  /** Live children, by name. */
  children(folder: DriveItem): DriveItem[] {
    return this.#childItems(folder).sort((a, b) =>
      a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }),
    );
  }

  childCount(folder: DriveItem): number {
    return this.#childIds.get(folder.id)?.size ?? 0;
  }

  childNamed(folder: DriveItem, name: string): DriveItem | undefined {
    const wanted = name.toLowerCase();
    return this.#childItems(folder).find((item) => item.name.toLowerCase() === wanted);
  }

  depth(item: DriveItem): number {
    let depth = 0;
    for (let current = item; current.parentId; depth++) {
      const parent = this.items.get(current.parentId);
      if (!parent) break;
      current = parent;
    }
    return depth;
  }

  /** Follows a relative path ("a/b/c.docx") from a folder; undefined when a segment is missing. */
  resolvePath(start: DriveItem, relativePath: string): DriveItem | undefined {
    let current: DriveItem | undefined = start;
    for (const segment of relativePath.split('/').filter(Boolean)) {
      if (current?.kind !== 'folder') return undefined;
      current = this.childNamed(current, segment);
    }
    return current;
  }

  /** "/a/b" of a folder (empty for the root): the part after `root:` in parentReference.path. */
  pathOf(item: DriveItem): string {
    const names: string[] = [];
    for (let current: DriveItem | undefined = item; current?.parentId; ) {
      names.unshift(current.name);
      current = this.items.get(current.parentId);
    }
    return names.length ? `/${names.join('/')}` : '';
  }

  /**
   * The decoded server-relative path SharePoint limits to 400 characters: the library's own path
   * (`/sites/Matter1001/Shared Documents`) and the item's folders, e.g. `…/Shared Documents/Pleadings`.
   */
  webPathOf(item: DriveItem): string {
    const drive = this.drive(item.driveId);
    return `${decodeURIComponent(new URL(drive.webUrl).pathname)}${this.pathOf(item)}`;
  }

  /** The item and every item below it (live ones). */
  subtree(item: DriveItem): DriveItem[] {
    const out = [item];
    for (let i = 0; i < out.length; i++) {
      const current = out[i] as DriveItem;
      if (current.kind === 'folder') out.push(...this.children(current));
    }
    return out;
  }

  siteOfDrive(drive: Drive): Site {
    return this.site(drive.siteId);
  }

  team(id: string): Team {
    const team = this.teams.get(id);
    if (!team) throw itemNotFound(`No team found with Group Id ${id}`);
    return team;
  }
}

/**
 * Every change to drive items: folders, new files, new versions, rename and move, delete, restore.
 * Each change bumps the drive's change sequence (delta), the item's eTag, and its cTag when content
 * (or, for a folder, its list of children) changed.
 */
import { GraphError } from '../errors.ts';
import type { Drive, DriveItem, FileVersion, IdentitySet, User } from '../model.ts';
import { checkItemName, checkPathLength, renamedCandidate } from './names.ts';
import type { Store } from './store.ts';

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export interface NewContent {
  blobId: string;
  size: number;
  quickXorHash: string;
  mimeType: string;
}

const nameExists = (name: string) =>
  new GraphError(409, 'nameAlreadyExists', `The specified item name already exists. Name: ${name}`);

export function parseConflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null) return fallback;
  if (value === 'fail' || value === 'replace' || value === 'rename') return value;
  throw new GraphError(
    400,
    'invalidRequest',
    `Invalid value for @microsoft.graph.conflictBehavior: ${value}`,
  );
}

export class ItemChanges {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  #touch(item: DriveItem, content: boolean): void {
    const drive = this.#store.drive(item.driveId);
    drive.changeSeq++;
    item.changeSeq = drive.changeSeq;
    item.eTagVersion++;
    if (content) item.cTagVersion++;
    this.#store.onChange();
  }

  #touchParent(item: DriveItem, by: IdentitySet): void {
    const parent = item.parentId ? this.#store.items.get(item.parentId) : undefined;
    if (!parent) return;
    parent.modifiedAt = this.#store.clock.now();
    parent.modifiedBy = by;
    this.#touch(parent, true);
  }

  newItem(drive: Drive, parentId: string | null, name: string, kind: DriveItem['kind'], by: IdentitySet) {
    const now = this.#store.clock.now();
    const item: DriveItem = {
      id: this.#store.ids.itemId(),
      driveId: drive.id,
      parentId,
      name,
      kind,
      uniqueId: this.#store.ids.guid().toUpperCase(),
      eTagVersion: 0,
      cTagVersion: 0,
      createdAt: now,
      modifiedAt: now,
      createdBy: by,
      modifiedBy: by,
      fileCreatedAt: now,
      fileModifiedAt: now,
      versions: [],
      fields: {},
      changeSeq: 0,
    };
    this.#store.items.set(item.id, item);
    this.#store.link(item);
    this.#touch(item, true);
    return item;
  }

  /** The name to use in `parent`, or the existing item to replace; throws 409 for "fail". */
  #placeName(parent: DriveItem, name: string, behavior: ConflictBehavior, kind: DriveItem['kind']) {
    checkItemName(name);
    checkPathLength(`${this.#store.webPathOf(parent)}/${name}`);
    const existing = this.#store.childNamed(parent, name);
    if (!existing) return { name };
    if (behavior === 'fail') throw nameExists(name);
    if (behavior === 'replace') {
      if (existing.kind !== kind) throw nameExists(name);
      return { name, existing };
    }
    for (let attempt = 1; ; attempt++) {
      const candidate = renamedCandidate(name, attempt);
      if (!this.#store.childNamed(parent, candidate)) return { name: candidate };
    }
  }

  createFolder(parent: DriveItem, name: string, user: User, behavior: ConflictBehavior): DriveItem {
    const placed = this.#placeName(parent, name, behavior, 'folder');
    if (placed.existing) return placed.existing;
    const by = this.#store.identity(user);
    const folder = this.newItem(this.#store.drive(parent.driveId), parent.id, placed.name, 'folder', by);
    this.#touchParent(folder, by);
    return folder;
  }

  /** Creates a file, or adds a version to the one it replaces. `created` says which. */
  putFile(parent: DriveItem, name: string, content: NewContent, user: User, behavior: ConflictBehavior) {
    const placed = this.#placeName(parent, name, behavior, 'file');
    if (placed.existing) return { item: this.addVersion(placed.existing, content, user), created: false };
    const by = this.#store.identity(user);
    const item = this.newItem(this.#store.drive(parent.driveId), parent.id, placed.name, 'file', by);
    this.#appendVersion(item, content, by);
    this.#touchParent(item, by);
    return { item, created: true };
  }

  #appendVersion(item: DriveItem, content: NewContent, by: IdentitySet): FileVersion {
    const now = this.#store.clock.now();
    const version: FileVersion = {
      id: `${item.versions.length + 1}.0`,
      ...content,
      modifiedAt: now,
      modifiedBy: by,
    };
    item.versions.push(version);
    item.modifiedAt = now;
    item.modifiedBy = by;
    item.fileModifiedAt = now;
    return version;
  }

  /** A replace of an existing file: a new version of the same item (same id). */
  addVersion(item: DriveItem, content: NewContent, user: User): DriveItem {
    if (item.kind !== 'file') throw new GraphError(400, 'invalidRequest', 'The item is not a file.');
    this.#appendVersion(item, content, this.#store.identity(user));
    this.#touch(item, true);
    return item;
  }

  restoreVersion(item: DriveItem, version: FileVersion, user: User): void {
    const { blobId, size, quickXorHash, mimeType } = version;
    this.addVersion(item, { blobId, size, quickXorHash, mimeType }, user);
  }

  /** PATCH name and/or parentReference (move). */
  update(
    item: DriveItem,
    changes: { name?: string; parent?: DriveItem },
    user: User,
    behavior: ConflictBehavior,
  ) {
    if (item.parentId === null)
      throw new GraphError(400, 'invalidRequest', 'The root cannot be renamed or moved.');
    const parent = changes.parent ?? this.#store.item(item.driveId, item.parentId);
    if (parent.driveId !== item.driveId) {
      throw new GraphError(400, 'invalidRequest', 'Moving items between drives is not supported; copy them.');
    }
    if (this.#store.subtree(item).some((inside) => inside.id === parent.id)) {
      throw new GraphError(400, 'invalidRequest', 'An item cannot be moved into itself.');
    }
    const name = changes.name ?? item.name;
    const sameSlot = parent.id === item.parentId && name.toLowerCase() === item.name.toLowerCase();
    const placed = sameSlot
      ? { name }
      : this.#placeName(parent, name, behavior === 'replace' ? 'fail' : behavior, item.kind);
    const by = this.#store.identity(user);
    const oldParentId = item.parentId;
    this.#store.unlink(item);
    item.name = placed.name;
    item.parentId = parent.id;
    this.#store.link(item);
    item.modifiedAt = this.#store.clock.now();
    item.modifiedBy = by;
    this.#touch(item, false);
    if (oldParentId !== parent.id) {
      const oldParent = this.#store.items.get(oldParentId);
      if (oldParent) this.#touch(oldParent, true);
      this.#touchParent(item, by);
    }
    return item;
  }

  /** Deletes the item and everything below it; tombstones stay for delta. */
  delete(item: DriveItem, user: User): void {
    if (item.parentId === null) throw new GraphError(400, 'invalidRequest', 'The root cannot be deleted.');
    const by = this.#store.identity(user);
    const now = this.#store.clock.now();
    for (const inside of this.#store.subtree(item).reverse()) {
      inside.deletedAt = now;
      this.#store.unlink(inside);
      this.#touch(inside, false);
    }
    this.#touchParent(item, by);
  }

  setFields(item: DriveItem, fields: Record<string, string | number>, user: User): DriveItem {
    Object.assign(item.fields, fields);
    item.modifiedAt = this.#store.clock.now();
    item.modifiedBy = this.#store.identity(user);
    this.#touch(item, false);
    return item;
  }
}

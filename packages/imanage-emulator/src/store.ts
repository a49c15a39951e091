/**
 * The in-memory iManage library: users, libraries, workspaces, folders, documents and Control Center
 * applications. Every mutation goes through a method here so the Work API, the web view and test
 * helpers change content the same way a user would (numbers, dates and edit_date move together).
 */
import type { Clock } from './clock.ts';
import { contentChecksum } from './content.ts';
import {
  type AccessLevel,
  type Application,
  accessAtLeast,
  type Container,
  type ContentSource,
  type DocumentRecord,
  type DocumentVersion,
  type EmulatorUser,
  type Folder,
  type FolderType,
  type Library,
  type Shortcut,
  type Workspace,
} from './model.ts';

export class EmulatorError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const notFound = (what: string) => new EmulatorError(404, 'NotFound', `${what} not found`);

export interface NewDocument {
  name: string;
  extension: string;
  content: ContentSource;
  docClass?: string;
  comment?: string;
  fileCreateDate?: number;
  fileEditDate?: number;
  custom?: Record<string, string>;
}

/** Parses "LIB!123" or "LIB!123.4" into its parts; undefined when malformed. */
export function parseItemId(id: string): { library: string; number: number; version?: number } | undefined {
  const match = /^([^!]+)!(\d+)(?:\.(\d+))?$/.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  const parsed = { library: match[1], number: Number(match[2]) };
  return match[3] === undefined ? parsed : { ...parsed, version: Number(match[3]) };
}

export class Store {
  readonly users = new Map<string, EmulatorUser>();
  readonly libraries = new Map<string, Library>();
  readonly containers = new Map<string, Container>();
  /** Keyed by "LIB!number" (without version). */
  readonly documents = new Map<string, DocumentRecord>();
  readonly applications = new Map<string, Application>();
  /** Keyed by the shortcut's own id. */
  readonly shortcuts = new Map<string, Shortcut>();
  readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  // ---- users and access -------------------------------------------------------------------------

  findUserByLogin(login: string): EmulatorUser | undefined {
    const wanted = login.trim().toLowerCase();
    for (const user of this.users.values()) if (user.id.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** The user's access to a workspace: its own entry, then the user's access map, then "*". */
  workspaceAccess(user: EmulatorUser, workspace: Workspace): AccessLevel {
    return (
      workspace.explicitAccess.get(user.id) ??
      user.access[workspace.id] ??
      user.access[workspace.name] ??
      user.access['*'] ??
      'no_access'
    );
  }

  accessToContainer(user: EmulatorUser, container: Container): AccessLevel {
    return this.workspaceAccess(user, this.workspaceOf(container));
  }

  // ---- libraries and containers -----------------------------------------------------------------

  /**
   * Containers and documents are numbered separately; `firstDocumentNumber` 100 makes the two number
   * spaces overlap from the start (workspace LIB!100 beside document LIB!100.1), as in real libraries.
   */
  addLibrary(id: string, displayName: string, firstDocumentNumber = 1000): Library {
    const library: Library = {
      id,
      display_name: displayName,
      nextContainerNumber: 100,
      nextDocumentNumber: firstDocumentNumber,
    };
    this.libraries.set(id, library);
    return library;
  }

  library(id: string): Library {
    const library = this.libraries.get(id);
    if (!library) throw notFound(`Library ${id}`);
    return library;
  }

  workspaceOf(container: Container): Workspace {
    if (container.kind === 'workspace') return container;
    const workspace = this.containers.get(container.workspaceId);
    if (workspace?.kind !== 'workspace') throw new Error(`folder ${container.id} has no workspace`);
    return workspace;
  }

  container(id: string): Container {
    const container = this.containers.get(id);
    if (!container) throw notFound(`Container ${id}`);
    return container;
  }

  workspace(id: string): Workspace {
    const container = this.containers.get(id);
    if (container?.kind !== 'workspace') throw notFound(`Workspace ${id}`);
    return container;
  }

  folder(id: string): Folder {
    const container = this.containers.get(id);
    if (container?.kind !== 'folder') throw notFound(`Folder ${id}`);
    return container;
  }

  workspacesIn(libraryId: string): Workspace[] {
    return [...this.containers.values()].filter(
      (c): c is Workspace => c.kind === 'workspace' && c.library === libraryId,
    );
  }

  subfolders(containerId: string): Folder[] {
    return [...this.containers.values()].filter(
      (c): c is Folder => c.kind === 'folder' && c.parentId === containerId,
    );
  }

  documentsIn(folderId: string): DocumentRecord[] {
    return [...this.documents.values()].filter((d) => d.folderId === folderId);
  }

  shortcutsIn(containerId: string): Shortcut[] {
    return [...this.shortcuts.values()].filter((s) => s.parentId === containerId);
  }

  /** A shortcut in `parentId` to a folder, a workspace or a document ("LIB!n"). */
  addShortcut(parentId: string, targetId: string, wstype: Shortcut['wstype'], createDate?: number): Shortcut {
    const parent = this.container(parentId);
    const number = this.library(parent.library).nextContainerNumber++;
    const shortcut: Shortcut = {
      library: parent.library,
      number,
      id: `${parent.library}!${number}`,
      wstype,
      parentId,
      targetId,
      createDate: createDate ?? this.clock.now(),
    };
    this.shortcuts.set(shortcut.id, shortcut);
    return shortcut;
  }

  /** Every container id at or below `containerId` (itself included). */
  subtreeIds(containerId: string): Set<string> {
    const ids = new Set([containerId]);
    const pending = [containerId];
    while (pending.length > 0) {
      const parent = pending.pop() as string;
      for (const child of this.subfolders(parent)) {
        ids.add(child.id);
        pending.push(child.id);
      }
    }
    return ids;
  }

  createWorkspace(
    libraryId: string,
    fields: Partial<Omit<Workspace, 'kind' | 'id' | 'number' | 'library'>> & { name: string; owner: string },
  ): Workspace {
    const library = this.library(libraryId);
    const number = library.nextContainerNumber++;
    const now = this.clock.now();
    const workspace: Workspace = {
      kind: 'workspace',
      library: libraryId,
      number,
      id: `${libraryId}!${number}`,
      description: '',
      createDate: now,
      editDate: now,
      lastUser: fields.owner,
      clientNumber: '',
      clientName: '',
      matterNumber: '',
      matterName: '',
      explicitAccess: new Map(),
      ...fields,
    };
    this.containers.set(workspace.id, workspace);
    return workspace;
  }

  createFolder(
    parentId: string,
    fields: {
      name: string;
      owner: string;
      description?: string;
      createDate?: number;
      folderType?: FolderType;
      savedSearch?: Folder['savedSearch'];
    },
  ): Folder {
    const parent = this.container(parentId);
    const library = this.library(parent.library);
    const number = library.nextContainerNumber++;
    const now = fields.createDate ?? this.clock.now();
    const folder: Folder = {
      kind: 'folder',
      folderType: fields.folderType ?? 'regular',
      ...(fields.savedSearch ? { savedSearch: fields.savedSearch } : {}),
      library: parent.library,
      number,
      id: `${parent.library}!${number}`,
      name: fields.name,
      description: fields.description ?? '',
      owner: fields.owner,
      parentId,
      workspaceId: this.workspaceOf(parent).id,
      createDate: now,
      editDate: now,
    };
    this.containers.set(folder.id, folder);
    this.touchContainer(parent, now);
    return folder;
  }

  renameContainer(id: string, changes: { name?: string; description?: string }): Container {
    const container = this.container(id);
    if (changes.name !== undefined) container.name = changes.name;
    if (changes.description !== undefined) container.description = changes.description;
    container.editDate = this.clock.now();
    return container;
  }

  deleteFolder(id: string): void {
    const folder = this.folder(id);
    const contents = this.subfolders(id).length + this.documentsIn(id).length + this.shortcutsIn(id).length;
    if (contents > 0) {
      throw new EmulatorError(400, 'FolderNotEmpty', `Folder ${id} is not empty`);
    }
    this.containers.delete(id);
    this.touchContainer(this.container(folder.parentId), this.clock.now());
  }

  /** "edit_date (last change to profile or contents)": a change inside a folder touches it. */
  touchContainer(container: Container, when: number): void {
    container.editDate = Math.max(container.editDate, when);
  }

  // ---- documents --------------------------------------------------------------------------------

  /** Resolves "LIB!n" (latest version) or "LIB!n.v" to a document and one of its versions. */
  documentVersion(id: string): { document: DocumentRecord; version: DocumentVersion } {
    const parsed = parseItemId(id);
    const document = parsed && this.documents.get(`${parsed.library}!${parsed.number}`);
    if (!parsed || !document) throw notFound(`Document ${id}`);
    const version =
      parsed.version === undefined
        ? document.versions.at(-1)
        : document.versions.find((v) => v.version === parsed.version);
    if (!version) throw notFound(`Document ${id}`);
    return { document, version };
  }

  createDocument(folderId: string, author: string, input: NewDocument): DocumentRecord {
    const folder = this.folder(folderId);
    const library = this.library(folder.library);
    const number = library.nextDocumentNumber++;
    const now = this.clock.now();
    const document: DocumentRecord = {
      library: folder.library,
      number,
      folderId,
      workspaceId: folder.workspaceId,
      name: input.name,
      docClass: input.docClass ?? 'DOC',
      author,
      lastUser: author,
      createProfileDate: now,
      editProfileDate: now,
      custom: input.custom ?? {},
      versions: [],
    };
    this.documents.set(`${folder.library}!${number}`, document);
    this.appendVersion(document, author, input, now);
    this.touchContainer(folder, now);
    return document;
  }

  addVersion(
    documentId: string,
    operator: string,
    input: Omit<NewDocument, 'name'> & { name?: string },
  ): DocumentVersion {
    const { document } = this.documentVersion(documentId);
    if (input.name !== undefined) document.name = input.name;
    const version = this.appendVersion(document, operator, input, this.clock.now());
    this.touchContainer(this.folder(document.folderId), version.editDate);
    return version;
  }

  private appendVersion(
    document: DocumentRecord,
    operator: string,
    input: Omit<NewDocument, 'name'>,
    now: number,
  ): DocumentVersion {
    const number = Math.max(document.versions.at(-1)?.version ?? 0, document.lastVersionNumber ?? 0) + 1;
    document.lastVersionNumber = number;
    const version: DocumentVersion = {
      version: number,
      extension: input.extension,
      size: input.content.kind === 'bytes' ? input.content.bytes.byteLength : input.content.size,
      content: input.content,
      author: document.author,
      operator,
      comment: input.comment ?? '',
      createDate: now,
      editDate: now,
      fileCreateDate: input.fileCreateDate ?? now,
      fileEditDate: input.fileEditDate ?? now,
    };
    document.versions.push(version);
    document.lastUser = operator;
    return version;
  }

  patchDocument(
    documentId: string,
    user: string,
    changes: { name?: string; comment?: string; docClass?: string; custom?: Record<string, string> },
  ): DocumentRecord {
    const { document, version } = this.documentVersion(documentId);
    if (changes.name !== undefined) document.name = changes.name;
    if (changes.docClass !== undefined) document.docClass = changes.docClass;
    if (changes.comment !== undefined) version.comment = changes.comment;
    if (changes.custom) Object.assign(document.custom, changes.custom);
    document.editProfileDate = this.clock.now();
    document.lastUser = user;
    return document;
  }

  deleteDocument(documentId: string): DocumentRecord {
    const { document } = this.documentVersion(documentId);
    this.documents.delete(`${document.library}!${document.number}`);
    this.touchContainer(this.folder(document.folderId), this.clock.now());
    return document;
  }

  /** Removes one version (`LIB!n.v`); the last one left cannot be removed (delete the document). */
  deleteVersion(versionId: string): void {
    if (parseItemId(versionId)?.version === undefined)
      throw new EmulatorError(400, 'InvalidParameter', `${versionId} names no version`);
    const { document, version } = this.documentVersion(versionId);
    if (document.versions.length === 1)
      throw new EmulatorError(400, 'InvalidParameter', `${versionId} is the only version of its document`);
    document.versions.splice(document.versions.indexOf(version), 1);
  }

  /**
   * edit_date of a version: its last content change. A profile edit (rename, class, custom fields)
   * moves edit_profile_date only, and a move neither, as on a real Work Server.
   */
  editDate(_document: DocumentRecord, version: DocumentVersion): number {
    return version.editDate;
  }

  checksum(version: DocumentVersion): string {
    version.checksum ??= contentChecksum(version.content);
    return version.checksum;
  }

  canAccess(user: EmulatorUser, container: Container, required: AccessLevel): boolean {
    return accessAtLeast(this.accessToContainer(user, container), required);
  }
}

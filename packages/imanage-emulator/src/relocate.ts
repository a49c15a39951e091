/**
 * Moving and copying documents and folders, as a user would in iManage Work. A move changes where an
 * item is, never its edit_date or edit_profile_date (a client watching edit_date does not see it);
 * the containers it leaves and enters are touched ("last change to profile or contents"). A copy is a
 * new document (version 1, the latest content) or a deep copy of a folder, with new numbers.
 */
import type { Container, DocumentRecord, Folder } from './model.ts';
import { latestVersion } from './model.ts';
import { EmulatorError, type Store } from './store.ts';

const refuse = (message: string) => new EmulatorError(400, 'InvalidParameter', message);

/** Moves a document into another folder. */
export function moveDocument(store: Store, document: DocumentRecord, folderId: string): DocumentRecord {
  const destination = store.folder(folderId);
  const now = store.clock.now();
  store.touchContainer(store.folder(document.folderId), now);
  document.folderId = destination.id;
  document.workspaceId = destination.workspaceId;
  store.touchContainer(destination, now);
  return document;
}

/** A new document in `folderId` with the latest version's content and the profile fields. */
export function copyDocument(
  store: Store,
  document: DocumentRecord,
  folderId: string,
  user: string,
): DocumentRecord {
  const latest = latestVersion(document);
  return store.createDocument(folderId, user, {
    name: document.name,
    extension: latest.extension,
    content: latest.content,
    docClass: document.docClass,
    comment: latest.comment,
    fileCreateDate: latest.fileCreateDate,
    fileEditDate: latest.fileEditDate,
    custom: { ...document.custom },
  });
}

function checkFolderDestination(store: Store, folder: Folder, destination: Container): void {
  if (destination.library !== folder.library) throw refuse('a folder cannot leave its library');
  if (store.subtreeIds(folder.id).has(destination.id))
    throw refuse(`${destination.id} is inside ${folder.id}: a folder cannot move into itself`);
}

/** Moves a folder (with everything below it) under another folder or a workspace. */
export function moveFolder(store: Store, folder: Folder, destinationId: string): Folder {
  const destination = store.container(destinationId);
  checkFolderDestination(store, folder, destination);
  const now = store.clock.now();
  store.touchContainer(store.container(folder.parentId), now);
  folder.parentId = destination.id;
  const workspaceId = store.workspaceOf(destination).id;
  for (const id of store.subtreeIds(folder.id)) {
    store.folder(id).workspaceId = workspaceId;
    for (const document of store.documentsIn(id)) document.workspaceId = workspaceId;
  }
  store.touchContainer(destination, now);
  return folder;
}

/** Copies a folder, its subfolders and the latest version of each document under `destinationId`. */
export function copyFolder(store: Store, folder: Folder, destinationId: string, user: string): Folder {
  checkFolderDestination(store, folder, store.container(destinationId));
  const copy = store.createFolder(destinationId, {
    name: folder.name,
    description: folder.description,
    owner: user,
  });
  for (const document of store.documentsIn(folder.id)) copyDocument(store, document, copy.id, user);
  for (const subfolder of store.subfolders(folder.id)) copyFolder(store, subfolder, copy.id, user);
  return copy;
}

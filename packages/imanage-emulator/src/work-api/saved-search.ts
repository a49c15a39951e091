/**
 * What a folder lists as its documents: its own, or for a search folder the results of its saved
 * search (documents filed elsewhere, each with the caller's access to where it really is).
 */
import type { EmulatorContext } from '../context.ts';
import type { AccessLevel, DocumentRecord, EmulatorUser, Folder } from '../model.ts';

export function documentsListedIn(
  ctx: EmulatorContext,
  folder: Folder,
  user: EmulatorUser,
  access: AccessLevel,
): { document: DocumentRecord; access: AccessLevel }[] {
  const { store } = ctx;
  const byNumber = (a: { document: DocumentRecord }, b: { document: DocumentRecord }) =>
    a.document.number - b.document.number;
  const search = folder.savedSearch;
  if (!search)
    return store
      .documentsIn(folder.id)
      .map((document) => ({ document, access }))
      .sort(byNumber);
  const scope = store.subtreeIds(search.scopeId);
  return [...store.documents.values()]
    .filter((document) => scope.has(document.folderId) && (!search.emailOnly || document.email))
    .map((document) => ({ document, access: store.accessToContainer(user, store.folder(document.folderId)) }))
    .filter((found) => found.access !== 'no_access')
    .sort(byNumber);
}

/**
 * The sample workspace of items that are not plain folders and documents, as a real library has
 * them: emails, a document shortcut, a folder shortcut, a tab holding a folder, a search folder, and
 * a category folder holding a workspace shortcut. Its content is fixed (no dice are rolled), so the
 * rest of the sample content is the same with or without it.
 */
import type { DocumentRecord, EmailFields, Folder, Workspace } from './model.ts';
import { mixSeed } from './prng.ts';
import type { Store } from './store.ts';

const DAY_MS = 86_400_000;

export const SPECIAL_WORKSPACE_NAME = 'Lexbridge Samples - 9999 Shortcuts, searches, tabs and emails';

function email(when: number, hasAttachment: boolean): EmailFields {
  return {
    from: 'counsel@other-side.example',
    to: 'jsmith@emulator.example',
    cc: 'ajones@emulator.example',
    sentDate: when,
    receivedDate: when + 60_000,
    hasAttachment,
  };
}

/** Adds the special workspace to `libraryId`; `others` are the library's ordinary workspaces. */
export function addSpecialWorkspace(
  store: Store,
  libraryId: string,
  seed: number,
  created: number,
  others: Workspace[],
): DocumentRecord[] {
  const workspace = store.createWorkspace(libraryId, {
    name: SPECIAL_WORKSPACE_NAME,
    description: 'Items a connector must recognise rather than copy as folders and documents',
    owner: 'admin',
    createDate: created,
    editDate: created,
    clientNumber: '9999',
    clientName: 'Lexbridge Samples',
    matterNumber: '9999',
    matterName: 'Shortcuts, searches, tabs and emails',
  });
  const folder = (parentId: string, name: string, kind: Pick<Folder, 'folderType' | 'savedSearch'>) =>
    store.createFolder(parentId, { owner: 'admin', createDate: created, name, ...kind });
  const regular = { folderType: 'regular' } as const;
  const document = (folderId: string, name: string, extension: string, index: number, mail?: EmailFields) => {
    const record = store.createDocument(folderId, 'admin', {
      name,
      extension,
      docClass: mail ? 'EMAIL' : 'DOC',
      content: { kind: 'generated', seed: mixSeed(seed, 9000 + index), size: 2048 + index * 512 },
      fileCreateDate: created,
      fileEditDate: created,
    });
    if (mail) record.email = mail;
    return record;
  };

  const correspondence = folder(workspace.id, 'Correspondence', regular);
  const documents = [
    document(correspondence.id, 'Re: draft terms', 'msg', 1, email(created + DAY_MS, true)),
    document(correspondence.id, 'Fwd: signed copy', 'eml', 2, email(created + 2 * DAY_MS, false)),
    document(correspondence.id, 'Cover letter', 'docx', 3),
  ];
  const tab = folder(workspace.id, 'Matter tab', { folderType: 'tab' });
  const inTab = folder(tab.id, 'Filed under the tab', regular);
  documents.push(document(inTab.id, 'Tabbed note', 'txt', 4));
  folder(workspace.id, 'Emails (saved search)', {
    folderType: 'search',
    savedSearch: { scopeId: workspace.id, emailOnly: true },
  });
  const category = folder(workspace.id, 'Related matters', { folderType: 'category' });

  const elsewhere = others[0] && store.subfolders(others[0].id)[0];
  const referenced = elsewhere && store.documentsIn(elsewhere.id)[0];
  if (elsewhere) store.addShortcut(correspondence.id, elsewhere.id, 'folder_shortcut', created);
  if (referenced)
    store.addShortcut(
      correspondence.id,
      `${referenced.library}!${referenced.number}`,
      'document_shortcut',
      created,
    );
  const related = others[1] ?? others[0];
  if (related) store.addShortcut(category.id, related.id, 'workspace_shortcut', created);
  return documents;
}

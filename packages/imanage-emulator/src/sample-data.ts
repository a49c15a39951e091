/**
 * Deterministic sample content: the same seed and sizes always produce the same workspaces, folders,
 * documents, dates and bytes. Dates are laid out from a fixed epoch (not "now"), so two runs agree.
 */
import type { DocumentRecord, EmailFields } from './model.ts';
import { createRandom, pick, randomInt } from './prng.ts';
import { addSpecialWorkspace } from './sample-special.ts';
import type { Store } from './store.ts';

export interface ContentOptions {
  /** Library ids; the first is every user's preferred library. Default ["ACTIVE"]. */
  libraries?: string[];
  /** Workspaces per library. Default 5. */
  workspaces?: number;
  /** Levels of folders below a workspace (1 = only the workspace's own folders). Default 2. */
  folderDepth?: number;
  /** Folders in a workspace and in each folder above the deepest level. Default 2. */
  foldersPerContainer?: number;
  documentsPerFolder?: number;
  /** Document sizes in bytes, inclusive. Defaults 1 KiB and 64 KiB. */
  minSize?: number;
  maxSize?: number;
  /** Add a workspace of shortcuts, a search folder, a tab, a category and emails. Default false. */
  specialItems?: boolean;
  /** Number documents from 100 like containers, so LIB!105 and LIB!105.1 coexist. Default false. */
  numberCollisions?: boolean;
}

export const DEFAULT_CONTENT = {
  libraries: ['ACTIVE'],
  workspaces: 5,
  folderDepth: 2,
  foldersPerContainer: 2,
  documentsPerFolder: 3,
  minSize: 1024,
  maxSize: 64 * 1024,
  specialItems: false,
  numberCollisions: false,
} satisfies Required<ContentOptions>;

const SAMPLE_EPOCH = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

const CLIENTS = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Holdings',
  'Stark Industries',
  'Wayne Enterprises',
];
const MATTERS = ['Supply agreement', 'Acquisition', 'Employment dispute', 'Lease renewal', 'Patent licence'];
const FOLDERS = ['Correspondence', 'Documents', 'Agreements', 'Pleadings', 'Research', 'Notes'];
const DOCUMENT_TITLES = [
  'Engagement letter',
  'Draft agreement',
  'Board minutes',
  'Memo',
  'Witness statement',
];
const EXTENSIONS = ['docx', 'pdf', 'xlsx', 'msg', 'txt'];
const EMAIL_EXTENSIONS = new Set(['msg', 'eml']);

/** Email fields from the filing date alone (no dice), so emails leave the random sequence alone. */
function sampleEmail(when: number): EmailFields {
  return {
    from: 'client@client.example',
    to: 'admin@emulator.example',
    cc: '',
    sentDate: when,
    receivedDate: when + 60_000,
    hasAttachment: false,
  };
}

export function generateSampleContent(store: Store, seed: number, options: ContentOptions = {}): void {
  const settings = { ...DEFAULT_CONTENT, ...options };
  if (settings.minSize < 0 || settings.maxSize < settings.minSize) {
    throw new RangeError('content sizes need 0 <= minSize <= maxSize');
  }
  const random = createRandom(seed);
  let workspaceIndex = 0;
  for (const libraryId of settings.libraries) {
    const firstDocumentNumber = settings.numberCollisions ? 100 : 1000;
    store.addLibrary(libraryId, libraryId.charAt(0) + libraryId.slice(1).toLowerCase(), firstDocumentNumber);
    for (let w = 0; w < settings.workspaces; w++, workspaceIndex++) {
      const clientName = CLIENTS[workspaceIndex % CLIENTS.length] as string;
      const matterName = pick(random, MATTERS);
      const clientNumber = String(1001 + (workspaceIndex % CLIENTS.length));
      const matterNumber = String(workspaceIndex + 1).padStart(4, '0');
      const created = SAMPLE_EPOCH + randomInt(random, 0, 90) * DAY_MS;
      const workspace = store.createWorkspace(libraryId, {
        name: `${clientName} - ${matterNumber} ${matterName}`,
        description: `${matterName} for ${clientName}`,
        owner: 'admin',
        createDate: created,
        editDate: created,
        clientNumber,
        clientName,
        matterNumber,
        matterName,
      });
      addFolders(workspace.id, 1, created);
    }
    if (settings.specialItems) {
      const others = store.workspacesIn(libraryId);
      for (const document of addSpecialWorkspace(store, libraryId, seed, SAMPLE_EPOCH, others))
        backdate(document, SAMPLE_EPOCH);
    }
  }
  settleContainerDates();

  function addFolders(parentId: string, depth: number, created: number): void {
    for (let f = 0; f < settings.foldersPerContainer; f++) {
      const name = `${FOLDERS[(depth * 3 + f) % FOLDERS.length]}${depth > 1 ? ` ${depth}.${f + 1}` : ''}`;
      const folderCreated = created + randomInt(random, 0, 30) * DAY_MS;
      const folder = store.createFolder(parentId, { name, owner: 'admin', createDate: folderCreated });
      addDocuments(folder.id, folderCreated);
      if (depth < settings.folderDepth) addFolders(folder.id, depth + 1, folderCreated);
    }
  }

  function addDocuments(folderId: string, created: number): void {
    for (let d = 0; d < settings.documentsPerFolder; d++) {
      const extension = pick(random, EXTENSIONS);
      const size = randomInt(random, settings.minSize, settings.maxSize);
      const fileDate = created + randomInt(random, 0, 200) * DAY_MS + randomInt(random, 0, DAY_MS - 1);
      const document = store.createDocument(folderId, 'admin', {
        name: `${pick(random, DOCUMENT_TITLES)} ${d + 1}`,
        extension,
        content: { kind: 'generated', seed: Math.floor(random() * 2 ** 32), size },
        fileCreateDate: fileDate,
        fileEditDate: fileDate,
        ...(EMAIL_EXTENSIONS.has(extension) ? { docClass: 'EMAIL' } : {}),
      });
      if (EMAIL_EXTENSIONS.has(extension)) document.email = sampleEmail(fileDate);
      // A fifth of the sample documents have a second version, so version handling gets exercised.
      if (random() < 0.2) {
        store.addVersion(`${document.library}!${document.number}`, 'admin', {
          extension,
          content: { kind: 'generated', seed: Math.floor(random() * 2 ** 32), size },
          comment: 'Revised',
        });
      }
      backdate(document, fileDate);
    }
  }

  // The store stamps containers with the real time when something is added; replace that with the
  // timeline above so that edit dates are the same in every run.
  function settleContainerDates(): void {
    for (const container of store.containers.values()) {
      container.editDate = container.createDate;
    }
    for (const document of store.documents.values()) {
      const folder = store.folder(document.folderId);
      const latest = document.versions.at(-1);
      if (latest) folder.editDate = Math.max(folder.editDate, store.editDate(document, latest));
    }
  }

  // Sample documents are created "now" by the store; move their dates onto the deterministic timeline.
  function backdate(document: DocumentRecord, when: number): void {
    document.createProfileDate = when;
    document.editProfileDate = when;
    document.versions.forEach((version, index) => {
      const at = when + index * DAY_MS;
      version.createDate = at;
      version.editDate = at;
      version.fileEditDate = at;
    });
  }
}

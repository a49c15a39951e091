/**
 * State kept on disk (`--state FILE`, or the `stateFile` option): users, libraries, workspaces,
 * folders, shortcuts, documents and their versions, Control Center applications, access and refresh
 * tokens and browser sessions, so a restarted emulator is the one that stopped. Uploaded content
 * lives in `<FILE>.content/` beside it. Saved (atomically: temp file, then rename) shortly after every
 * request that may change something, and on close. Authorisation codes (60 s) are not kept.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EmulatorContext } from './context.ts';
import type {
  Application,
  ContentSource,
  DocumentRecord,
  DocumentVersion,
  EmulatorUser,
  Folder,
  Library,
  Shortcut,
  Workspace,
} from './model.ts';
import type { AccessToken, RefreshToken } from './oauth/token-store.ts';
import type { Session } from './sessions.ts';
import type { Store } from './store.ts';

const FORMAT = 'lexbridge-imanage-emulator-state';

type SavedContent =
  | Exclude<ContentSource, { kind: 'bytes' }>
  | { kind: 'bytes'; base64: string; sha256: string };
type SavedWorkspace = Omit<Workspace, 'explicitAccess'> & {
  explicitAccess: [string, Workspace['explicitAccess'] extends Map<string, infer A> ? A : never][];
};
type SavedDocument = Omit<DocumentRecord, 'versions'> & {
  versions: (Omit<DocumentVersion, 'content'> & { content: SavedContent })[];
};

export interface SavedState {
  format: typeof FORMAT;
  version: 1;
  savedAt: string;
  store: {
    users: EmulatorUser[];
    libraries: Library[];
    containers: (SavedWorkspace | Folder)[];
    shortcuts: Shortcut[];
    documents: SavedDocument[];
    applications: Application[];
  };
  tokens: { access: AccessToken[]; refresh: RefreshToken[] };
  sessions: [string, Session][];
}

/** Where uploaded content of a stateful emulator is kept. */
export function contentDirOf(stateFile: string): string {
  return `${stateFile}.content`;
}

/** The saved state, or undefined when the file does not exist yet. */
export async function readState(stateFile: string): Promise<SavedState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const saved = JSON.parse(text) as SavedState;
  if (saved.format !== FORMAT || saved.version !== 1)
    throw new Error(`${stateFile} is not an iManage emulator state file (format ${FORMAT}, version 1)`);
  return saved;
}

function saveContent(content: ContentSource): SavedContent {
  if (content.kind === 'bytes')
    return { kind: 'bytes', base64: Buffer.from(content.bytes).toString('base64'), sha256: content.sha256 };
  // Uploaded files are named relative to the content directory, so the pair can be moved together.
  return content.kind === 'file' ? { ...content, path: basename(content.path) } : content;
}

function loadContent(content: SavedContent, contentDir: string): ContentSource {
  if (content.kind === 'bytes')
    return { kind: 'bytes', bytes: Buffer.from(content.base64, 'base64'), sha256: content.sha256 };
  return content.kind === 'file' ? { ...content, path: join(contentDir, content.path) } : content;
}

export function snapshot(ctx: EmulatorContext): SavedState {
  const { store } = ctx;
  return {
    format: FORMAT,
    version: 1,
    savedAt: new Date().toISOString(),
    store: {
      users: [...store.users.values()],
      libraries: [...store.libraries.values()],
      containers: [...store.containers.values()].map((c) =>
        c.kind === 'workspace' ? { ...c, explicitAccess: [...c.explicitAccess] } : c,
      ),
      shortcuts: [...store.shortcuts.values()],
      documents: [...store.documents.values()].map((d) => ({
        ...d,
        versions: d.versions.map((v) => ({ ...v, content: saveContent(v.content) })),
      })),
      applications: [...store.applications.values()],
    },
    tokens: {
      access: [...ctx.tokens.accessTokens.values()],
      refresh: [...ctx.tokens.refreshTokens.values()],
    },
    sessions: ctx.sessions.entries(),
  };
}

/** Fills an empty store with the saved content (users and applications included). */
export function restoreStore(store: Store, saved: SavedState, contentDir: string): void {
  const { users, libraries, containers, shortcuts, documents, applications } = saved.store;
  for (const user of users) store.users.set(user.id, user);
  for (const library of libraries) store.libraries.set(library.id, library);
  for (const container of containers) {
    store.containers.set(
      container.id,
      container.kind === 'workspace'
        ? { ...container, explicitAccess: new Map(container.explicitAccess) }
        : container,
    );
  }
  for (const shortcut of shortcuts) store.shortcuts.set(shortcut.id, shortcut);
  for (const document of documents) {
    const versions = document.versions.map((v) => ({ ...v, content: loadContent(v.content, contentDir) }));
    store.documents.set(`${document.library}!${document.number}`, { ...document, versions });
  }
  for (const app of applications) store.applications.set(app.client_id, app);
}

export function restoreSessions(ctx: EmulatorContext, saved: SavedState): void {
  for (const token of saved.tokens.access) ctx.tokens.accessTokens.set(token.token, token);
  for (const token of saved.tokens.refresh) ctx.tokens.refreshTokens.set(token.token, token);
  ctx.sessions.restore(saved.sessions);
}

/**
 * Writes the state after changes, at most one write at a time: a change during a write schedules
 * one more, so the file always ends with the latest state.
 */
export class StateWriter {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #file: string;
  readonly #snapshot: () => SavedState;

  constructor(file: string, takeSnapshot: () => SavedState) {
    this.#file = file;
    this.#snapshot = takeSnapshot;
  }

  /** Saves soon (changes arriving together are written once). */
  changed(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.save().catch((error: unknown) => {
        console.error(`iManage emulator: could not save ${this.#file}: ${(error as Error).message}`);
      });
    }, 50);
  }

  /** Saves now (after any write in progress) and waits for it. */
  async save(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#writing.then(() => this.#write());
    this.#writing = next.catch(() => undefined);
    await next;
  }

  async #write(): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    const temp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(this.#snapshot()), { mode: 0o600 });
    await rename(temp, this.#file);
  }
}

/**
 * @lexbridge/imanage-emulator: an iManage Work Server 10.x emulator (OAuth 2.0, /api discovery,
 * Work API v2, Control Center applications, the Work web view, fault injection).
 *
 * @example
 *   const emulator = await startEmulator({ port: 0, seed: 7 });
 *   // … point a client at emulator.url …
 *   await emulator.close();
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { Clock } from './clock.ts';
import {
  type AppFileEntry,
  defaultUsers,
  parseApps,
  parseUsers,
  type UserFileEntry,
} from './config-files.ts';
import { bytesContent } from './content.ts';
import type { EmulatorContext, RequestRecord } from './context.ts';
import { type FaultConfig, type FaultConfigInput, Faults } from './faults.ts';
import { latestVersion } from './model.ts';
import { TokenStore } from './oauth/token-store.ts';
import { type ContentOptions, generateSampleContent } from './sample-data.ts';
import { SessionStore } from './sessions.ts';
import {
  contentDirOf,
  readState,
  restoreSessions,
  restoreStore,
  type SavedState,
  StateWriter,
  snapshot,
} from './state-file.ts';
import { Store } from './store.ts';
import { parseStrictness, type StrictConfig, type StrictConfigInput } from './strictness.ts';
import { documentId } from './work-api/profiles.ts';

export type { Clock } from './clock.ts';
export type { AppFileEntry, UserFileEntry } from './config-files.ts';
export type { RequestRecord } from './context.ts';
export type { FaultConfig, FaultConfigInput } from './faults.ts';
export type { AccessLevel, Application, EmulatorUser } from './model.ts';
export type { TokenStore } from './oauth/token-store.ts';
export type { ContentOptions } from './sample-data.ts';
export type { Store } from './store.ts';
export type { StrictConfig, StrictConfigInput } from './strictness.ts';
export { REAL_SERVER } from './strictness.ts';

export interface EmulatorOptions {
  /** 0 picks a free port. Default 8090. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seeds sample content and fault dice. Default 1. */
  seed?: number;
  content?: ContentOptions;
  /** Users in the --users file format; default: admin/admin, jsmith/password, ajones/password. */
  users?: UserFileEntry[];
  /** Pre-registered applications in the --apps file format. */
  apps?: AppFileEntry[];
  /** Integer customer id reported by /api and used in Work API paths. Default 1001. */
  customerId?: number;
  faults?: FaultConfigInput;
  /**
   * Real-server behaviours today's Lexbridge client does not handle yet (docs/imanage-emulator.md,
   * "Strictness"): each off by default; 'real-server' turns them all on.
   */
  strict?: StrictConfigInput | 'real-server';
  /**
   * How many seconds the Work Server's clock is ahead of the machine's (negative: behind), as on a
   * server whose time is wrong: its edit_date values and search filters are on its own time. Default 0.
   */
  clockSkewSeconds?: number;
  /** Base URL clients should use when it differs from the listening address (e.g. behind a proxy). */
  publicUrl?: string;
  /** Log requests with pino. Default false. */
  logger?: boolean;
  /**
   * Keep state in this JSON file, uploaded content in `<stateFile>.content/`: loaded at start when the
   * file exists (no sample content is generated then), saved after every change and on close, so a
   * restart keeps applications, documents, tokens and sessions. `users` and `apps` given here are
   * applied over the saved ones with the same id. Default: in memory only.
   */
  stateFile?: string;
}

export interface AddedVersion {
  id: string;
  version: number;
  size: number;
  checksum: string;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:8090 (or publicUrl). */
  readonly url: string;
  readonly customerId: number;
  /** Token needed for /__emulator/* from non-loopback addresses. */
  readonly adminToken: string;
  /** The in-memory library, for assertions and direct changes. */
  readonly store: Store;
  readonly tokens: TokenStore;
  /** The emulator's clock; advance it to expire tokens and codes without waiting. */
  readonly clock: Clock;
  /** Current fault configuration; assigning replaces it (same as POST /__emulator/faults). */
  faults: FaultConfig | FaultConfigInput;
  /** Current strictness; assigning replaces it (same as POST /__emulator/strict). */
  strict: StrictConfig | StrictConfigInput | 'real-server';
  /** The latest requests answered (method, path without query, status), oldest first. */
  readonly requests: readonly RequestRecord[];
  revokeUserTokens(userId: string): number;
  /**
   * Checks a document out to `userId` as iManage Work would when they open it for editing (`undefined`
   * checks it in): its profile then says is_checked_out and in_use_by, and others' new versions are 409.
   */
  setCheckout(documentId: string, userId: string | undefined): void;
  /** Adds a version to a document as `userId` would through the Work API (default the document's author). */
  addDocumentVersion(documentId: string, content: string | Uint8Array, userId?: string): AddedVersion;
  /**
   * Deletes one version of a document (`LIB!n.v`) as a user may in iManage Work, keeping the others:
   * its id then answers 404, and a document whose version 1 is gone has no `LIB!n.1` at all.
   */
  deleteDocumentVersion(versionId: string): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = options.seed ?? 1;
  const clock = new Clock((options.clockSkewSeconds ?? 0) * 1000);
  const store = new Store(clock);
  const { saved, uploadDir } = await prepareState(store, options);
  for (const app of parseApps(options.apps ?? [], clock.now())) store.applications.set(app.client_id, app);

  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  let writer: StateWriter | undefined;
  const ctx: EmulatorContext = {
    store,
    tokens: new TokenStore(clock),
    sessions: new SessionStore(clock),
    faults: new Faults(clock, seed, options.faults),
    strict: parseStrictness(options.strict),
    clock,
    customerId: options.customerId ?? 1001,
    publicUrl: () => publicUrl,
    adminToken: randomBytes(16).toString('hex'),
    uploadDir,
    changed: () => writer?.changed(),
    requests: [],
  };
  if (saved) restoreSessions(ctx, saved);
  if (options.stateFile) {
    writer = new StateWriter(options.stateFile, () => snapshot(ctx));
    await writer.save();
  }
  const removeUploads = () =>
    options.stateFile ? Promise.resolve() : rm(uploadDir, { recursive: true, force: true });
  const app = buildApp(ctx, { logger: options.logger ?? false });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 8090, host });
  } catch (error) {
    await removeUploads();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  if (!publicUrl) publicUrl = `http://${urlHost}:${port}`;

  return {
    url: publicUrl,
    customerId: ctx.customerId,
    adminToken: ctx.adminToken,
    store,
    tokens: ctx.tokens,
    clock,
    requests: ctx.requests,
    get faults(): FaultConfig {
      return ctx.faults.config;
    },
    set faults(config: FaultConfigInput) {
      ctx.faults.config = config;
    },
    get strict(): StrictConfig {
      return { ...ctx.strict };
    },
    set strict(config: StrictConfigInput | 'real-server') {
      ctx.strict = parseStrictness(config);
    },
    revokeUserTokens: (userId) => ctx.tokens.revokeUser(userId),
    setCheckout(id, userId) {
      const { document } = store.documentVersion(id);
      if (userId === undefined) delete document.checkout;
      else document.checkout = { user: userId, since: clock.now() };
      ctx.changed();
    },
    addDocumentVersion(id, content, userId) {
      const { document } = store.documentVersion(id);
      const version = store.addVersion(`${document.library}!${document.number}`, userId ?? document.author, {
        extension: latestVersion(document).extension,
        content: bytesContent(typeof content === 'string' ? Buffer.from(content) : content),
      });
      ctx.changed();
      return {
        id: documentId(document, version),
        version: version.version,
        size: version.size,
        checksum: store.checksum(version),
      };
    },
    deleteDocumentVersion(id) {
      store.deleteVersion(id);
      ctx.changed();
    },
    async close() {
      await app.close();
      await writer?.save();
      await removeUploads();
    },
  };
}

/**
 * Fills the store from the state file when there is one, else with sample content and users; returns
 * the saved state (for tokens and sessions) and where uploads go.
 */
async function prepareState(
  store: Store,
  options: EmulatorOptions,
): Promise<{ saved: SavedState | undefined; uploadDir: string }> {
  const saved = options.stateFile ? await readState(options.stateFile) : undefined;
  const uploadDir = options.stateFile
    ? contentDirOf(options.stateFile)
    : await mkdtemp(join(tmpdir(), 'imanage-emulator-'));
  if (options.stateFile) await mkdir(uploadDir, { recursive: true, mode: 0o700 });
  if (saved) restoreStore(store, saved, uploadDir);
  else generateSampleContent(store, options.seed ?? 1, options.content);
  if (saved && !options.users) return { saved, uploadDir };
  const secondWorkspaces = [...store.libraries.keys()].flatMap((lib) => store.workspacesIn(lib)[1]?.id ?? []);
  for (const user of parseUsers(options.users ?? defaultUsers(secondWorkspaces)))
    store.users.set(user.id, user);
  return { saved, uploadDir };
}

/**
 * Upload sessions: where their bytes go (a file per session, written at the offset each fragment
 * names), how much has arrived, the running quickXorHash, and expiry (extended by each fragment).
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { Clock } from '../clock.ts';
import { QuickXorHash } from '../quick-xor-hash.ts';
import type { BlobStore } from './blobs.ts';
import type { ConflictBehavior } from './items.ts';

export interface UploadSession {
  id: string;
  driveId: string;
  /** New file: parent and name. Existing file: its id. */
  parentId: string;
  name: string;
  targetItemId: string | undefined;
  conflictBehavior: ConflictBehavior;
  userId: string;
  /** Known from item.fileSize or from the first fragment's Content-Range. */
  fileSize: number | undefined;
  received: number;
  hash: QuickXorHash;
  expiresAt: number;
  deferCommit: boolean;
  file: string;
  handle?: FileHandle;
  /** Set while a fragment is being written, so two concurrent PUTs cannot interleave. */
  busy: boolean;
}

export class UploadSessions {
  readonly sessions = new Map<string, UploadSession>();
  readonly #clock: Clock;
  readonly #blobs: BlobStore;
  readonly lifetimeMs: number;

  constructor(clock: Clock, blobs: BlobStore, lifetimeMs: number) {
    this.#clock = clock;
    this.#blobs = blobs;
    this.lifetimeMs = lifetimeMs;
  }

  create(
    fields: Omit<UploadSession, 'id' | 'received' | 'hash' | 'expiresAt' | 'file' | 'busy'>,
  ): UploadSession {
    const id = randomBytes(24).toString('base64url');
    const session: UploadSession = {
      ...fields,
      id,
      received: 0,
      hash: new QuickXorHash(),
      expiresAt: this.#clock.now() + this.lifetimeMs,
      file: this.#blobs.sessionFile(id),
      busy: false,
    };
    this.sessions.set(id, session);
    return session;
  }

  /** A live session; expired ones are removed (with their bytes) and reported as missing. */
  async live(id: string): Promise<UploadSession | undefined> {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.#clock.now() < session.expiresAt) return session;
    await this.discard(session);
    return undefined;
  }

  async handle(session: UploadSession): Promise<FileHandle> {
    session.handle ??= await open(session.file, 'w');
    return session.handle;
  }

  extend(session: UploadSession): void {
    session.expiresAt = this.#clock.now() + this.lifetimeMs;
  }

  async discard(session: UploadSession): Promise<void> {
    this.sessions.delete(session.id);
    await session.handle?.close();
    session.handle = undefined;
    await this.#blobs.remove(session.file);
  }

  /** Closes the session's file and moves it into the blob store. */
  async finish(session: UploadSession): Promise<string> {
    await session.handle?.close();
    session.handle = undefined;
    if (session.received === 0) await (await open(session.file, 'w')).close();
    this.sessions.delete(session.id);
    return this.#blobs.adopt(session.file);
  }

  async closeAll(): Promise<void> {
    for (const session of this.sessions.values()) await session.handle?.close();
  }
}

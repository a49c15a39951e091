/**
 * File contents on disk, one file per version, so large uploads cost no memory. The directory is a
 * temporary one removed on close, or `<state file>.blobs` when state is kept.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'sessions'), { recursive: true });
  }

  path(blobId: string): string {
    return join(this.dir, blobId);
  }

  newId(): string {
    return randomBytes(12).toString('hex');
  }

  async putBytes(bytes: Uint8Array): Promise<string> {
    const id = this.newId();
    await writeFile(this.path(id), bytes);
    return id;
  }

  /** Moves a finished upload-session file into the store. */
  async adopt(file: string): Promise<string> {
    const id = this.newId();
    await rename(file, this.path(id));
    return id;
  }

  sessionFile(sessionId: string): string {
    return join(this.dir, 'sessions', sessionId);
  }

  /** `end` is inclusive, as in HTTP ranges. */
  read(blobId: string, start?: number, end?: number): ReadStream {
    return createReadStream(this.path(blobId), { start, end });
  }

  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
  }
}

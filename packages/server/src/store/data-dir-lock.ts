import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

/**
 * PGlite has no lock of its own: two processes opening one data directory would corrupt it. This lock
 * file holds the owner's pid; a lock whose pid no longer runs is stale and is taken over.
 */
export interface DataDirLock {
  path: string;
  release(): Promise<void>;
}

export interface LockOwner {
  pid: number;
  port?: number;
  startedAt: string;
}

const lockName = 'lexbridge.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the current owner of a data directory, or null when none runs. */
export async function readLockOwner(dataDir: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(join(dataDir, lockName), 'utf8')) as LockOwner;
    return isRunning(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Removes a lock whose owner no longer runs. Two processes may find the same stale lock at once: each
 * moves the file aside (atomic) and checks what it moved; one that moved a fresh lock (the other
 * process's, taken in between) puts it back, and then finds it held.
 */
async function breakStaleLock(path: string): Promise<void> {
  const stale = await readFile(path, 'utf8').catch(() => null);
  if (stale === null) return;
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => stale);
  if (moved !== stale) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

export async function acquireDataDirLock(dataDir: string, info: { port?: number } = {}): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, lockName);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = await readLockOwner(dataDir);
      if (owner && owner.pid !== process.pid) {
        throw new AppError(
          'data_dir_locked',
          `Another Lexbridge process (pid ${owner.pid}, started ${owner.startedAt}) is using the data directory ${dataDir}. ` +
            'Only one process may open the embedded database. Stop that process first, use a different LEXBRIDGE_DATA_DIR, ' +
            'or run on PostgreSQL (DATABASE_URL) to share one database between several processes.',
          { pid: owner.pid },
        );
      }
      if (owner && owner.pid === process.pid) {
        throw new AppError('data_dir_locked', `This process already holds the data directory ${dataDir}.`);
      }
      await breakStaleLock(path);
    }
  }
  throw new AppError('data_dir_locked', `Could not take the lock on ${dataDir}.`);
}

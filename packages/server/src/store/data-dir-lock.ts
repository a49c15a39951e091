import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
 * Removes a lock whose owner no longer runs. Claimants that find the same stale lock take turns through
 * a guard directory (mkdir is atomic), and each re-checks under the guard that the lock is still stale,
 * so a fresh lock taken meanwhile is never removed. A guard left by a crashed process expires.
 */
async function breakStaleLock(dataDir: string, path: string): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await mkdir(guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age =
      Date.now() -
      (await stat(guard).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      ));
    if (age > 10_000) await rm(guard, { recursive: true, force: true });
    else await sleep(20 + Math.random() * 30);
    return;
  }
  try {
    if ((await readLockOwner(dataDir)) === null) await rm(path, { force: true });
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

export async function acquireDataDirLock(
  dataDir: string,
  info: { port?: number } = {},
): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, lockName);
  for (let attempt = 0; attempt < 100; attempt++) {
    // Written aside, then linked into place: the lock never exists without its content.
    const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
    const candidate = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
    await writeFile(candidate, JSON.stringify(owner), { mode: 0o600 });
    try {
      await link(candidate, path);
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
      const current = await readLockOwner(dataDir);
      if (current && current.pid !== process.pid) {
        throw new AppError(
          'data_dir_locked',
          `Another Lexbridge process (pid ${current.pid}, started ${current.startedAt}) is using the data directory ${dataDir}. ` +
            'Only one process may open the embedded database. Stop that process first, use a different LEXBRIDGE_DATA_DIR, ' +
            'or run on PostgreSQL (DATABASE_URL) to share one database between several processes.',
          { pid: current.pid },
        );
      }
      if (current && current.pid === process.pid) {
        throw new AppError('data_dir_locked', `This process already holds the data directory ${dataDir}.`);
      }
      await breakStaleLock(dataDir, path);
    } finally {
      await rm(candidate, { force: true });
    }
  }
  throw new AppError('data_dir_locked', `Could not take the lock on ${dataDir}.`);
}

import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Every path under `dir` (itself included) that another account could read, enter or write. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const check = async (path: string) => {
    if ((await stat(path)).mode & 0o077) found.push(path);
  };
  await check(dir);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!path.startsWith(join(dir, 'folders'))) await check(path);
  }
  return found;
}

describe.skipIf(process.platform === 'win32')('the data directory is private to the server account', () => {
  it('a new data directory: the directory 0700, the database files 0600', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'lexbridge-perms-')), 'data');
    dirs.push(dataDir);
    const store = await openStore({ dataDir });
    try {
      expect(store.notPrivate).toEqual([]);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect(await openToOthers(dataDir)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a data directory left world-writable (as the embedded database writes it) is made private at start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-perms-'));
    dirs.push(dataDir);
    await (await openStore({ dataDir })).close();
    // What an attacker with a local account needs: a writable database file, and a way in.
    await chmod(dataDir, 0o777);
    const pgdata = join(dataDir, 'pgdata');
    await chmod(pgdata, 0o777);
    await chmod(join(pgdata, 'PG_VERSION'), 0o666);
    await writeFile(join(dataDir, 'keys.json'), '{}', { mode: 0o644 });
    await mkdir(join(dataDir, 'folders', 'portal'), { recursive: true });
    await writeFile(join(dataDir, 'folders', 'portal', 'client.pdf'), 'x', { mode: 0o644 });
    expect((await openToOthers(dataDir)).length).toBeGreaterThan(2);

    const store = await openStore({ dataDir });
    try {
      expect(store.notPrivate).toEqual([]);
      expect(await openToOthers(dataDir)).toEqual([]);
      // Local folders keep their files' modes: the directory's 0700 already keeps other accounts out.
      expect((await stat(join(dataDir, 'folders', 'portal', 'client.pdf'))).mode & 0o777).toBe(0o644);
    } finally {
      await store.close();
    }
  });
});

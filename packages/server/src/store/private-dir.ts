import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps a data directory private to the server's account: the directory 0700, the files directly in
 * it 0600, and everything under the folders named in `deep` (the embedded database's) 0700/0600. The
 * embedded database writes its files world-readable and world-writable (0666), and anyone who can
 * write them can, for instance, insert a session and become Admin; so this runs each time the data
 * directory is opened, after the database is up. Files made later stay inside a 0700 directory that
 * no other account can enter. Other folders (local folders under the data directory) keep their
 * files' modes and are protected by the directory's.
 *
 * Returns what could not be made private (empty when all is well), for the caller to warn about.
 */
export async function keepPrivate(dir: string, deep: string[]): Promise<string[]> {
  if (process.platform === 'win32') return [];
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const problems: string[] = [];
  const fix = async (path: string, wanted: number) => {
    try {
      const { mode } = await stat(path);
      if ((mode & 0o777) !== wanted) await chmod(path, wanted);
    } catch (err) {
      problems.push(`${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  await fix(dir, 0o700);
  // The entries of a folder are checked side by side: the database's ~1,100 files one after the
  // other took 40-90 ms of every start; the order of the problems found does not matter.
  const walk = async (folder: string, recurse: (name: string) => boolean): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const path = join(folder, entry.name);
        if (entry.isFile()) await fix(path, 0o600);
        else if (entry.isDirectory() && recurse(entry.name)) {
          await fix(path, 0o700);
          await walk(path, () => true);
        }
      }),
    );
  };
  await walk(dir, (name) => deep.includes(name));
  return problems;
}

import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError } from '../content.ts';
import { LocalFolderContentStore } from './content-store.ts';

/**
 * A symbolic link inside a local folder must not lead Lexbridge outside it: the attack is a link
 * `escape` → a folder elsewhere, then `escape/sub` as a workflow location.
 */
let scratch: string;
let root: string;
let outside: string;
let store: LocalFolderContentStore;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lexbridge-local-'));
  root = join(scratch, 'root');
  outside = join(scratch, 'outside');
  await mkdir(join(root, 'inner'), { recursive: true });
  await mkdir(join(outside, 'sub'), { recursive: true });
  await writeFile(join(root, 'inner', 'kept.txt'), 'inside');
  await writeFile(join(outside, 'secret.txt'), 'outside');
  await writeFile(join(outside, 'sub', 'deep.txt'), 'outside too');
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  await symlink(join(root, 'inner'), join(root, 'inner-link')); // stays inside, still not followed
  store = new LocalFolderContentStore(root);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const refused = { code: 'content_invalid', message: expect.stringMatching(/symbolic link/) };

describe('local folder: symbolic links', () => {
  it('lists neither links nor what they lead to', async () => {
    const names: string[] = [];
    for await (const item of store.listChildren('')) names.push(item.name);
    expect(names.sort()).toEqual(['inner']);
  });

  it('refuses to list, describe or read through a link', async () => {
    await expect(store.getItem('escape/sub')).rejects.toMatchObject(refused);
    await expect(store.getItem('secret-link.txt')).rejects.toMatchObject(refused);
    await expect(
      (async () => {
        for await (const _ of store.listChildren('escape')) void _;
      })(),
    ).rejects.toMatchObject(refused);
    await expect(
      store.openRead({ id: 'secret-link.txt', kind: 'document', name: 'secret-link.txt', parentId: '' }),
    ).rejects.toBeInstanceOf(ContentError);
    await expect(store.rights('escape/sub')).rejects.toMatchObject(refused);
  });

  it('refuses to write, create folders, move or delete through a link', async () => {
    await expect(
      store.writeDocument('escape/sub', 'planted.txt', Readable.from(['x'])),
    ).rejects.toMatchObject(refused);
    await expect(store.createFolder('escape', 'planted')).rejects.toMatchObject(refused);
    await expect(
      store.delete({ id: 'escape/secret.txt', kind: 'document', name: 'secret.txt', parentId: 'escape' }),
    ).rejects.toMatchObject(refused);
    await expect(
      store.relocate(
        { id: 'inner/kept.txt', kind: 'document', name: 'kept.txt', parentId: 'inner' },
        { parentId: 'escape', name: 'stolen.txt' },
      ),
    ).rejects.toMatchObject(refused);
    expect((await readdir(outside)).sort()).toEqual(['secret.txt', 'sub']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside');
    expect(await readFile(join(root, 'inner', 'kept.txt'), 'utf8')).toBe('inside');
  });

  it('refuses to write over a link or into a folder reached through one, at the top and below', async () => {
    // writeDocument checks a folder and the name in it with one realpath and one lstat (confinedIn).
    await expect(
      store.writeDocument('', 'secret-link.txt', Readable.from(['planted'])),
    ).rejects.toMatchObject(refused);
    await expect(
      store.writeDocument('inner-link', 'planted.txt', Readable.from(['x'])),
    ).rejects.toMatchObject(refused);
    await expect(store.writeDocument('escape', 'planted.txt', Readable.from(['x']))).rejects.toMatchObject(
      refused,
    );
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside');
    expect((await readdir(outside)).sort()).toEqual(['secret.txt', 'sub']);
    expect((await readdir(join(root, 'inner'))).filter((n) => n.startsWith('planted'))).toEqual([]);
  });

  it('still reads and writes real folders inside', async () => {
    const written = await store.writeDocument('inner', 'new.txt', Readable.from(['hello']));
    expect(written.size).toBe(5);
    expect((await store.getItem('inner/new.txt')).size).toBe(5);
  });
});

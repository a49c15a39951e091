import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/**
 * Writes a prepared database template (a tar, gzipped or not, as PGlite's `dumpDataDir` makes it)
 * into a new data directory's pgdata folder with Node's own file calls, instead of handing it to
 * PGlite. PGlite unpacks on the main thread with about eight synchronous calls a file; here the
 * files are written by libuv's thread pool, side by side, while the main thread loads the server and
 * V8 compiles PGlite's WebAssembly. And:
 * - files are created 0600 and folders 0700, as the data directory's permission check wants them,
 *   so a first start changes no modes;
 * - the free-space and visibility maps (`_fsm`, `_vm`) are left out: PostgreSQL makes both again
 *   when it needs them, and without them a new data directory has 86 fewer of its 533 files;
 * - it is all or nothing: the files go into a sibling folder that is renamed to pgdata at the end,
 *   so an interrupted first start leaves no half-written database to be taken for a whole one
 *   (PGlite's own unpacking writes PG_VERSION, the mark of an existing database, among the first).
 */

const block = 512;
/** Files written at once: enough to keep the thread pool's four threads busy. */
const inFlight = 16;
const optionalFork = /^(base\/\d+|global)\/\d+_(fsm|vm)$/;
const unpackingPrefix = '.unpacking-';

export interface TemplateEntry {
  /** Relative path inside pgdata, with `/` separators. */
  path: string;
  kind: 'file' | 'dir';
  data: Uint8Array;
}

function text(header: Uint8Array, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

function relativePath(raw: string): string {
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new Error(`template entry outside pgdata: ${raw}`);
  return parts.join('/');
}

/** The entries of a ustar archive (regular files and folders only; anything else is refused). */
export function readTar(tar: Uint8Array): TemplateEntry[] {
  const entries: TemplateEntry[] = [];
  let offset = 0;
  while (offset + block <= tar.length) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header, 345, 155);
    const path = relativePath(prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const start = offset + block;
    if (!Number.isSafeInteger(size) || start + size > tar.length)
      throw new Error(`template entry ${path} is cut short`);
    if (type === '0' || type === '\0') {
      entries.push({ path, kind: 'file', data: tar.subarray(start, start + size) });
    } else if (type === '5') {
      if (path) entries.push({ path, kind: 'dir', data: new Uint8Array(0) });
    } else {
      throw new Error(`template entry ${path} has an unsupported type (${JSON.stringify(type)})`);
    }
    offset = start + Math.ceil(size / block) * block;
  }
  return entries;
}

async function tarBytes(template: Blob): Promise<Uint8Array> {
  const bytes = new Uint8Array(await template.arrayBuffer());
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? await promisify(gunzip)(bytes) : bytes;
}

/** Removes folders left by an unpacking that was interrupted (the caller holds the data-dir lock). */
async function removeInterrupted(pgdata: string): Promise<void> {
  const parent = dirname(pgdata);
  const stale = (await readdir(parent)).filter((name) =>
    name.startsWith(`${basename(pgdata)}${unpackingPrefix}`),
  );
  await Promise.all(stale.map((name) => rm(join(parent, name), { recursive: true, force: true })));
}

/** Unpacks `template` as the folder `pgdata`, which must not exist or be empty. */
export async function unpackTemplate(template: Blob, pgdata: string): Promise<void> {
  await removeInterrupted(pgdata);
  const entries = readTar(await tarBytes(template));
  const target = `${pgdata}${unpackingPrefix}${randomBytes(4).toString('hex')}`;
  try {
    const folders = new Set<string>(['']);
    for (const entry of entries) {
      folders.add(entry.kind === 'dir' ? entry.path : dirname(entry.path).replace(/^\.$/, ''));
    }
    // Parents before children: sorted paths list a folder before anything inside it.
    for (const folder of [...folders].sort()) await mkdir(join(target, folder), { mode: 0o700 });
    const files = entries.filter((e) => e.kind === 'file' && !optionalFork.test(e.path));
    let next = 0;
    const writer = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        await writeFile(join(target, file.path), file.data, { mode: 0o600, flag: 'wx' });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, writer));
    await rmdir(pgdata).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // a pgdata with files but no database: not ours to remove
    });
    await rename(target, pgdata);
  } catch (err) {
    await rm(target, { recursive: true, force: true });
    throw err;
  }
}

import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import {
  access,
  lstat,
  mkdir,
  opendir,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentStoreCapabilities,
  type WriteDocumentOptions,
  type WrittenDocument,
  writeMeasuredFile,
} from '../content.ts';

/** Temporary files are written beside their final name under this prefix, then renamed into place. */
export const partialPrefix = '.lexbridge-partial-';

/**
 * A folder on the server's file system (or a share mounted there) as a content store. Item ids are
 * paths relative to the connector's folder with `/` separators; '' is the folder itself. Names follow
 * Windows rules because such folders are often file shares that Windows clients open.
 */
export class LocalFolderContentStore implements ContentStore {
  readonly capabilities: ContentStoreCapabilities = {
    versions: false,
    changeQuery: false,
    names: { windows: true, maxBytes: 255 },
    replacesByName: true,
  };

  private realBase: Promise<string> | undefined;

  constructor(private readonly base: string) {}

  /** The absolute path of an id, refusing anything that would leave the connector's folder. */
  pathOf(id: string): string {
    if (id.includes('\0') || isAbsolute(id) || id.split('/').some((part) => part === '..')) {
      throw new ContentError('content_invalid', `"${id}" is not a path inside the folder.`);
    }
    const full = resolve(this.base, ...id.split('/').filter(Boolean));
    const rel = relative(this.base, full);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new ContentError('content_invalid', `"${id}" is not a path inside the folder.`);
    return full;
  }

  /**
   * The absolute path of an id whose every existing part is inside the connector's folder on disk:
   * the folder holding it resolves (through any symbolic links) to a place inside the folder, and the
   * item itself is no symbolic link. A link inside the folder could otherwise lead anywhere the
   * server's account may go, for reading, writing, listing and deleting.
   */
  private async confined(id: string): Promise<string> {
    const full = this.pathOf(id);
    const base = await this.resolvedBase();
    if (full === resolve(this.base)) return full;
    const parent = await realpath(dirname(full)).catch((err: NodeJS.ErrnoException) => {
      throw fsError(err, id);
    });
    if ((await isLink(full)) || (parent !== base && !parent.startsWith(base + sep))) throw linkRefused(id);
    return full;
  }

  /**
   * confined() of the folder `parentId` and of `name` in it, with one realpath of the folder (none
   * when it is the connector's own folder, whose real path is kept) and one lstat of the item, where
   * the two confined() calls take two of each. Every file-system call is a round trip through libuv's
   * thread pool, and writing a small document takes a handful of them: each one less is measurable
   * when a worker writes thousands (bench/scale-out.ts). A folder whose real path is not the one its
   * id names (a link on the way, even one that stays inside) gets both full checks and their errors.
   */
  private async confinedIn(parentId: string, name: string): Promise<{ dir: string; full: string }> {
    const id = parentId ? `${parentId}/${name}` : name;
    const dir = this.pathOf(parentId);
    const full = this.pathOf(id);
    const base = await this.resolvedBase();
    const top = resolve(this.base);
    if (dirname(full) === dir) {
      const real =
        dir === top
          ? base
          : await realpath(dir).catch((err: NodeJS.ErrnoException) => {
              throw fsError(err, parentId);
            });
      if (real === join(base, relative(top, dir))) {
        if (await isLink(full)) throw linkRefused(id);
        return { dir, full };
      }
    }
    return { dir: await this.confined(parentId), full: await this.confined(id) };
  }

  /** The real path of the connector's folder, resolved once. */
  private async resolvedBase(): Promise<string> {
    this.realBase ??= realpath(this.base);
    return this.realBase.catch((err: NodeJS.ErrnoException) => {
      this.realBase = undefined;
      throw fsError(err, '');
    });
  }

  private async describe(id: string): Promise<ContentItem> {
    const full = await this.confined(id);
    const info = await lstat(full).catch((err: NodeJS.ErrnoException) => {
      throw fsError(err, id);
    });
    const parts = id.split('/').filter(Boolean);
    return {
      id: parts.join('/'),
      kind: info.isDirectory() ? 'folder' : 'document',
      name: parts.at(-1) ?? '',
      parentId: parts.length === 0 ? null : parts.slice(0, -1).join('/'),
      ...(info.isDirectory() ? {} : { size: info.size }),
      modifiedAt: info.mtime,
      identity: `${info.dev}:${info.ino}`,
    };
  }

  getItem(id: string): Promise<ContentItem> {
    return this.describe(id);
  }

  async ancestors(id: string): Promise<ContentItem[]> {
    const parts = id.split('/').filter(Boolean);
    const result: ContentItem[] = [];
    for (let i = 0; i < parts.length; i++) result.push(await this.describe(parts.slice(0, i).join('/')));
    return result;
  }

  async *listChildren(folderId: string): AsyncIterable<ContentItem> {
    const dir = await this.confined(folderId);
    const prefix = folderId.split('/').filter(Boolean).join('/');
    const handle = await opendir(dir).catch((err: NodeJS.ErrnoException) => {
      throw fsError(err, folderId);
    });
    for await (const entry of handle) {
      if (entry.name.startsWith(partialPrefix)) continue;
      if (!entry.isFile() && !entry.isDirectory()) continue; // symbolic links and devices are not followed
      const id = prefix ? `${prefix}/${entry.name}` : entry.name;
      const info = await stat(join(dir, entry.name)).catch(() => null);
      if (!info) continue; // removed while listing
      yield {
        id,
        kind: entry.isDirectory() ? 'folder' : 'document',
        name: entry.name,
        parentId: prefix,
        ...(entry.isDirectory() ? {} : { size: info.size }),
        modifiedAt: info.mtime,
        identity: `${info.dev}:${info.ino}`,
      };
    }
  }

  async findChild(parentId: string, name: string): Promise<ContentItem | null> {
    const id = parentId ? `${parentId}/${name}` : name;
    try {
      return await this.describe(id);
    } catch (err) {
      if (err instanceof ContentError && err.code === 'content_not_found') return null;
      throw err;
    }
  }

  async openRead(item: ContentItem): Promise<{ stream: Readable; size?: number }> {
    const full = await this.confined(item.id);
    const info = await stat(full).catch((err: NodeJS.ErrnoException) => {
      throw fsError(err, item.id);
    });
    return { stream: createReadStream(full), size: info.size };
  }

  async writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    const finalId = parentId ? `${parentId}/${name}` : name;
    const { dir, full: finalPath } = await this.confinedIn(parentId, name);
    const temporary = join(
      dir,
      `${partialPrefix}${options.temporaryTag ?? 'x'}-${randomBytes(6).toString('hex')}`,
    );
    try {
      const written = await writeMeasuredFile(content, temporary, 'wx', options.signal);
      await options.verify?.(written);
      await rename(temporary, finalPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EISDIR' || err.code === 'ENOTEMPTY' || err.code === 'EEXIST')
          throw new ContentError('content_conflict', `A folder called "${name}" is in the way.`);
        throw err;
      });
      const parts = finalId.split('/');
      // The time and identity as a listing will report them: a two-way sync recognises its own write by them.
      const info = await stat(finalPath);
      return {
        item: {
          id: finalId,
          kind: 'document',
          name: parts.at(-1)!,
          parentId: parts.slice(0, -1).join('/'),
          size: written.size,
          modifiedAt: info.mtime,
          identity: `${info.dev}:${info.ino}`,
        },
        ...written,
      };
    } catch (err) {
      await rm(temporary, { force: true });
      if ((err as NodeJS.ErrnoException).code && !(err instanceof ContentError))
        throw fsError(err as NodeJS.ErrnoException, finalId);
      throw err;
    }
  }

  async createFolder(parentId: string, name: string): Promise<ContentItem> {
    const id = parentId ? `${parentId}/${name}` : name;
    await mkdir(await this.confined(id)).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST' && (await lstat(this.pathOf(id))).isDirectory()) return;
      throw fsError(err, id);
    });
    return this.describe(id);
  }

  async relocate(item: ContentItem, target: { parentId: string; name: string }): Promise<ContentItem> {
    const id = target.parentId ? `${target.parentId}/${target.name}` : target.name;
    const to = await this.confined(id);
    if (await lstat(to).catch(() => null))
      throw new ContentError('content_conflict', `Something called "${target.name}" is already there.`);
    await rename(await this.confined(item.id), to).catch((err: NodeJS.ErrnoException) => {
      throw fsError(err, item.id);
    });
    return this.describe(id);
  }

  async delete(item: ContentItem): Promise<void> {
    if (item.id === '')
      throw new ContentError('content_invalid', 'The workflow root itself is never deleted.');
    const full = await this.confined(item.id).catch((err: unknown) => {
      if (err instanceof ContentError && err.code === 'content_not_found') return undefined;
      throw err;
    });
    if (!full) return;
    const op = item.kind === 'folder' ? rmdir(full) : unlink(full);
    await op.catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return;
      if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') {
        throw new ContentError(
          'content_conflict',
          `The folder "${item.name}" still holds items the workflow did not copy, so it was kept.`,
        );
      }
      throw fsError(err, item.id);
    });
  }

  async rights(id: string): Promise<{ read: boolean; write: boolean }> {
    const full = await this.confined(id);
    const can = (mode: number) =>
      access(full, mode).then(
        () => true,
        () => false,
      );
    return { read: await can(constants.R_OK), write: await can(constants.W_OK | constants.X_OK) };
  }

  async removeLeftovers(rootId: string, keep: (tag: string) => boolean): Promise<number> {
    let removed = 0;
    const entries = await readdir(await this.confined(rootId), {
      withFileTypes: true,
      recursive: true,
    }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.startsWith(partialPrefix)) continue;
      const tag = entry.name.slice(partialPrefix.length).replace(/-[0-9a-f]{12}$/, '');
      if (keep(tag)) continue;
      await rm(join(entry.parentPath, entry.name), { force: true });
      removed++;
    }
    return removed;
  }
}

function isLink(path: string): Promise<boolean> {
  return lstat(path).then(
    (info) => info.isSymbolicLink(),
    () => false,
  );
}

function linkRefused(id: string): ContentError {
  return new ContentError(
    'content_invalid',
    `"${id}" leads outside the folder through a symbolic link; Lexbridge does not follow links.`,
  );
}

function fsError(err: NodeJS.ErrnoException, id: string): ContentError {
  const where = id || 'the folder';
  switch (err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ContentError('content_not_found', `"${where}" does not exist (any more).`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ContentError(
        'content_access_denied',
        `The server may not read or write "${where}". Ask the operator to check the folder's permissions.`,
        { cause: err },
      );
    case 'ENOSPC':
      return new ContentError('content_unavailable', `The disk holding "${where}" is full.`, { cause: err });
    case 'ENAMETOOLONG':
      return new ContentError('content_invalid', `The name "${where}" is too long for this file system.`, {
        cause: err,
      });
    case 'EEXIST':
      return new ContentError('content_conflict', `"${where}" already exists.`, { cause: err });
    default:
      return new ContentError(
        'content_unavailable',
        `"${where}" could not be reached (${err.code ?? 'unknown error'}).`,
        { retryable: true, cause: err },
      );
  }
}

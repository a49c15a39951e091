import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  ContentError,
  type ContentItem,
  type WriteDocumentOptions,
  type WrittenDocument,
  writeMeasured,
} from '../content.ts';
import { storeCall } from './content-errors.ts';
import { type ImanageItemCache, ROOT } from './item-cache.ts';
import { applicationType, checkedOutBy, fileName, profileComment, splitFileName } from './items.ts';
import type { WorkApiClient } from './work-api-client.ts';

/** What writing a document needs of its store. */
export interface WriteContext {
  readonly client: WorkApiClient;
  readonly items: ImanageItemCache;
  getItem(id: string): Promise<ContentItem>;
  /** The `class` of a new document in this folder. */
  documentClass(parentId: string): string;
}

/** Refuses a target iManage keeps no documents in, or that Lexbridge never writes into. */
export async function writableFolder(
  store: Pick<WriteContext, 'items' | 'getItem'>,
  parentId: string,
  what: 'document' | 'folder',
): Promise<void> {
  if (parentId !== ROOT && !store.items.kinds.has(parentId)) await store.getItem(parentId);
  const kind = parentId === ROOT ? 'root' : store.items.kinds.get(parentId);
  if (kind === 'folder' || (what === 'folder' && (kind === 'workspace' || kind === 'tab'))) return;
  throw new ContentError(
    'content_invalid',
    kind === 'workspace'
      ? 'iManage keeps documents in folders, not directly in a workspace: choose a folder as the target.'
      : kind === 'tab'
        ? 'iManage keeps documents in the folders of a tab, not in the tab itself: choose a folder.'
        : `Lexbridge writes no ${what} here: choose a workspace or folder as the target.`,
  );
}

/** The versioned id of the document to add a version to; refused while someone has it checked out. */
async function versionTarget(store: WriteContext, existingId: string, content: Readable): Promise<string> {
  const current = await storeCall(async () =>
    store.client.getDocument(await store.items.versionedId(store.client, storeCall, existingId)),
  );
  const holder = checkedOutBy(current);
  if (holder) {
    content.destroy();
    throw new ContentError(
      'content_conflict',
      `${fileName(current)} is checked out in iManage by ${holder}; Lexbridge does not overwrite it and tries again at the next run.`,
    );
  }
  return current.id;
}

/**
 * Spools the content to a temporary file (hashing it on the way), verifies it, then uploads it as a
 * new document or a new version: the document appears in iManage only complete and verified, the
 * upload can be replayed after a 401 or 429, and memory stays flat whatever the size. A document
 * checked out in iManage is never overwritten: the item fails saying who has it, and the next run
 * tries again.
 */
export async function writeImanageDocument(
  store: WriteContext,
  parentId: string,
  name: string,
  content: Readable,
  options: WriteDocumentOptions = {},
): Promise<WrittenDocument> {
  await writableFolder(store, parentId, 'document');
  const existing = options.existingId ? await versionTarget(store, options.existingId, content) : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'lexbridge-upload-'));
  const spool = join(dir, randomBytes(6).toString('hex'));
  try {
    const written = await writeMeasured(content, createWriteStream(spool), options.signal);
    const { size } = written;
    await options.verify?.(written);
    const { name: stem, extension } = splitFileName(name);
    const type = applicationType(extension);
    const comment = profileComment(options.comment, options.metadata);
    const upload = {
      extension,
      size,
      content: () => createReadStream(spool),
      profile: {
        class: store.documentClass(parentId),
        ...(type ? { type } : {}),
        ...(comment ? { comment } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const profile = await storeCall(() =>
      existing
        ? store.client.addVersion(existing, { ...upload, name: stem })
        : store.client.uploadDocument(parentId, { ...upload, name: stem }),
    );
    if (profile.size !== undefined && Number(profile.size) !== size) {
      throw new ContentError(
        'content_unavailable',
        `iManage stored ${profile.size} bytes of ${size}; the upload will be tried again.`,
        { retryable: true },
      );
    }
    return { item: store.items.documentItem(profile, parentId), ...written };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

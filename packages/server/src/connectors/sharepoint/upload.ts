import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAppError } from '../../errors.ts';
import { ContentError } from '../content.ts';
import type { DriveItemJson } from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';
import { QuickXorHash } from './quick-xor-hash.ts';

/**
 * Uploads to OneDrive and SharePoint as "Upload small files" and "Upload large files with an upload
 * session" describe them. Up to 4 MB: the bytes are read (and measured) first, verified, then sent in
 * one PUT. Larger: an upload session with `deferCommit`, fragments of `chunkSize` (a multiple of
 * 320 KiB, well under 60 MiB) PUT to the uploadUrl without the bearer token, a dropped fragment
 * resumed from `nextExpectedRanges`, and the file committed (empty POST) only after verification, so
 * nothing appears half-written. `@microsoft.graph.conflictBehavior` is `fail` for a new document (the
 * engine has already adopted any same-named one, so a clash is a real conflict) and `replace` when the
 * upload is addressed to an existing item by id, which SharePoint keeps as that item's new version.
 * Graph's quickXorHash and size of the committed file are checked against ours.
 */
export const simpleUploadLimit = 4 * 1024 * 1024;
export const fragmentUnit = 320 * 1024;
export const defaultChunkSize = 32 * fragmentUnit; // 10 MiB
/** SharePoint Online's largest file (Microsoft 365 service limits). */
export const maxFileSize = 250 * 1024 ** 3;
const fragmentRetries = 5;

export type UploadTarget = { parentPath: string; name: string } | { itemPath: string };

export interface UploadOptions {
  size?: number;
  signal?: AbortSignal;
  verify?(written: { size: number; sha256: string }): void | Promise<void>;
  chunkSize?: number;
}

export interface Uploaded {
  item: DriveItemJson;
  size: number;
  sha256: string;
  quickXorHash: string;
}

class Measure {
  readonly sha = createHash('sha256');
  readonly xor = new QuickXorHash();
  size = 0;
  add(chunk: Buffer) {
    this.sha.update(chunk);
    this.xor.update(chunk);
    this.size += chunk.length;
  }
  done() {
    return { size: this.size, sha256: this.sha.digest('hex'), quickXorHash: this.xor.digest() };
  }
}

const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

function path(target: UploadTarget, action: string): string {
  return 'itemPath' in target
    ? `${target.itemPath}/${action}`
    : `${target.parentPath}:/${enc(target.name)}:/${action}`;
}

/** Uploads `content` to `target`; see the module comment for how. */
export async function uploadDocument(
  client: GraphClient,
  target: UploadTarget,
  content: Readable,
  options: UploadOptions = {},
): Promise<Uploaded> {
  if (options.size === undefined)
    return withKnownSize(content, (spooled, size) =>
      uploadDocument(client, target, spooled, { ...options, size }),
    );
  if (options.size > maxFileSize) {
    content.destroy();
    throw new ContentError(
      'content_invalid',
      `The document is ${options.size} bytes, over SharePoint's limit of 250 GB per file; it was not copied.`,
    );
  }
  const uploaded =
    options.size <= simpleUploadLimit
      ? await simpleUpload(client, target, content, options)
      : await sessionUpload(client, target, content, options.size, options);
  await checkCommitted(client, target, uploaded);
  return uploaded;
}

/** Content of unknown size is spooled to a temporary file first: an upload session needs the total. */
async function withKnownSize<T>(content: Readable, then: (spooled: Readable, size: number) => Promise<T>) {
  const dir = await mkdtemp(join(tmpdir(), 'lexbridge-sharepoint-'));
  try {
    const file = join(dir, 'spool');
    await pipeline(content, createWriteStream(file));
    return await then(createReadStream(file), (await stat(file)).size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function simpleUpload(
  client: GraphClient,
  target: UploadTarget,
  content: Readable,
  options: UploadOptions,
) {
  const measure = new Measure();
  const chunks: Buffer[] = [];
  for await (const chunk of content as AsyncIterable<Buffer>) {
    measure.add(chunk);
    chunks.push(chunk);
  }
  const written = measure.done();
  await options.verify?.(written);
  const item = await client.json<DriveItemJson>('PUT', path(target, 'content'), {
    body: Buffer.concat(chunks),
    headers: { 'content-type': 'application/octet-stream' },
    query: { '@microsoft.graph.conflictBehavior': 'itemPath' in target ? 'replace' : 'fail' },
    // Replacing an item's content can be repeated; creating with `fail` cannot (a lost answer would turn into 409).
    idempotent: 'itemPath' in target,
    ...signalOf(options.signal),
  });
  return { item, ...written };
}

/** Yields `size`-byte buffers (the last one shorter) from a stream. */
async function* fragments(content: Readable, size: number): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    parts.push(chunk);
    held += chunk.length;
    while (held >= size) {
      const all = Buffer.concat(parts);
      yield all.subarray(0, size);
      parts = [all.subarray(size)];
      held -= size;
    }
  }
  if (held > 0) yield Buffer.concat(parts);
}

async function sessionUpload(
  client: GraphClient,
  target: UploadTarget,
  content: Readable,
  total: number,
  options: UploadOptions,
) {
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  if (chunkSize % fragmentUnit !== 0 || chunkSize >= 60 * 1024 * 1024)
    throw new Error('The upload chunk size must be a multiple of 320 KiB and under 60 MiB.');
  const session = await client.json<{ uploadUrl: string }>('POST', path(target, 'createUploadSession'), {
    json: {
      item: {
        '@microsoft.graph.conflictBehavior': 'itemPath' in target ? 'replace' : 'fail',
        ...('name' in target ? { name: target.name } : {}),
      },
      deferCommit: true,
    },
    ...signalOf(options.signal),
  });
  const { uploadUrl } = session;
  const measure = new Measure();
  try {
    for await (const fragment of fragments(content, chunkSize)) {
      if (measure.size + fragment.length > total)
        throw new ContentError(
          'content_unavailable',
          `The source gave more than the ${total} bytes it declared.`,
          {
            retryable: true,
          },
        );
      await putFragment(client, uploadUrl, fragment, measure.size, total, options.signal);
      measure.add(fragment);
    }
    const written = measure.done();
    if (written.size !== total)
      throw new ContentError(
        'content_unavailable',
        `The source gave ${written.size} of the ${total} bytes it declared.`,
        {
          retryable: true,
        },
      );
    await options.verify?.(written);
    const committed = await client.preauthenticated('POST', uploadUrl, {
      body: Buffer.alloc(0),
      headers: { 'content-length': '0' },
      ...signalOf(options.signal),
    });
    return { item: (await committed.body.json()) as DriveItemJson, ...written };
  } catch (err) {
    await client.preauthenticated('DELETE', uploadUrl).then(
      (r) => r.body.dump(),
      () => undefined,
    );
    throw err;
  }
}

/** PUTs one fragment; after a drop or a server error, asks the session where it stands and resends the rest. */
async function putFragment(
  client: GraphClient,
  uploadUrl: string,
  fragment: Buffer,
  offset: number,
  total: number,
  signal?: AbortSignal,
): Promise<void> {
  let from = offset;
  for (let attempt = 1; ; attempt++) {
    const part = fragment.subarray(from - offset);
    try {
      const res = await client.preauthenticated('PUT', uploadUrl, {
        body: part,
        headers: {
          'content-range': `bytes ${from}-${from + part.length - 1}/${total}`,
          'content-length': String(part.length),
        },
        ...signalOf(signal),
      });
      await res.body.dump();
      return;
    } catch (err) {
      if (signal?.aborted || attempt >= fragmentRetries || !resumable(err)) throw err;
      from = await nextExpected(client, uploadUrl, signal);
      if (from >= offset + fragment.length) return;
      if (from < offset) throw err;
    }
  }
}

function resumable(err: unknown): boolean {
  if (!isAppError(err)) return true;
  const status = Number(err.details?.status);
  return err.code === 'connector_unreachable' || status >= 500 || status === 416;
}

/** The first byte the session still expects (`nextExpectedRanges`, e.g. ["26-"]). */
async function nextExpected(client: GraphClient, uploadUrl: string, signal?: AbortSignal): Promise<number> {
  const res = await client.preauthenticated('GET', uploadUrl, { idempotent: true, ...signalOf(signal) });
  const status = (await res.body.json()) as { nextExpectedRanges?: string[] };
  const first = status.nextExpectedRanges?.[0];
  return first ? Number(first.split('-')[0]) : Number.POSITIVE_INFINITY;
}

/** The committed file must have our size and quickXorHash; a new file that does not is removed. */
async function checkCommitted(client: GraphClient, target: UploadTarget, uploaded: Uploaded): Promise<void> {
  const theirs = uploaded.item.file?.hashes?.quickXorHash;
  const sizeDiffers = uploaded.item.size !== undefined && uploaded.item.size !== uploaded.size;
  if (!sizeDiffers && (!theirs || theirs === uploaded.quickXorHash)) return;
  if (!('itemPath' in target) && uploaded.item.id && uploaded.item.parentReference?.driveId) {
    const drive = uploaded.item.parentReference.driveId;
    await client
      .send('DELETE', `/drives/${enc(drive)}/items/${enc(uploaded.item.id)}`, { idempotent: true })
      .then(
        (r) => r.body.dump(),
        () => undefined,
      );
  }
  throw new ContentError(
    'content_unavailable',
    `SharePoint stored ${uploaded.item.size ?? '?'} bytes (quickXorHash ${theirs ?? 'none'}) but Lexbridge sent ${uploaded.size} (quickXorHash ${uploaded.quickXorHash}); the upload will be tried again.`,
    { retryable: true },
  );
}

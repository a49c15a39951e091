/**
 * Content: GET …/content answers 302 to a pre-authenticated URL on the content host; PUT …/content
 * is the simple upload (≤ 4 MB by default, else 413); POST …/createUploadSession opens a session
 * whose uploadUrl (also on the content host) takes the bytes.
 */
import { GraphError, invalidRequest } from '../errors.ts';
import type { Drive, DriveItem, FileVersion } from '../model.ts';
import { QuickXorHash } from '../quick-xor-hash.ts';
import { mimeTypeOf } from '../seed.ts';
import { parseConflictBehavior } from '../store/items.ts';
import { requireDriveAccess } from './auth.ts';
import { type Call, only, readJson } from './call.ts';
import { checkIfMatch, type Target, uploadFolder } from './drives.ts';
import { cTag, downloadUrl, driveItemJson, eTag } from './serialize.ts';

const tooLarge = (limit: number) =>
  new GraphError(
    413,
    'requestEntityTooLarge',
    `The simple upload API supports files up to ${limit} bytes; use an upload session (createUploadSession) for larger files.`,
  );

const nameExists = (name: string) =>
  new GraphError(409, 'nameAlreadyExists', `The specified item name already exists. Name: ${name}`);

export async function contentRoute(call: Call, drive: Drive, target: Target): Promise<unknown> {
  if (call.method === 'GET') {
    if (!('item' in target)) throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
    return redirectToDownload(call, drive, target.item);
  }
  only(call, 'PUT');
  return simpleUpload(call, drive, target);
}

function redirectToDownload(call: Call, drive: Drive, item: DriveItem, versionId?: string) {
  requireDriveAccess(call.ctx, call.caller, drive, 'read', item);
  if (item.kind !== 'file') throw invalidRequest('Only items with the file facet can be downloaded.');
  const ifNoneMatch = call.request.headers['if-none-match'];
  if (!versionId && (ifNoneMatch === eTag(item) || ifNoneMatch === cTag(item))) {
    call.reply.code(304);
    return undefined;
  }
  call.reply.code(302).header('location', downloadUrl(call.ctx, item, versionId));
  return undefined;
}

export function versionContentRoute(call: Call, item: DriveItem, version: FileVersion) {
  only(call, 'GET');
  return redirectToDownload(call, call.ctx.store.drive(item.driveId), item, version.id);
}

async function receiveBody(call: Call, limit: number) {
  const declared = Number(call.request.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  const hash = new QuickXorHash();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of call.request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), size, quickXorHash: hash.digest('base64') };
}

async function simpleUpload(call: Call, drive: Drive, target: Target): Promise<unknown> {
  const { ctx, caller } = call;
  requireDriveAccess(ctx, caller, drive, 'write', 'item' in target ? target.item : target.parent);
  if ('item' in target) {
    if (target.item.kind !== 'file')
      throw invalidRequest('Cannot upload content to a folder; address a file.');
    checkIfMatch(call, target.item);
  }
  const behavior = parseConflictBehavior(call.query['@microsoft.graph.conflictBehavior'], 'replace');
  const body = await receiveBody(call, ctx.simpleUploadLimit);
  const name = 'item' in target ? target.item.name : target.name;
  const content = {
    blobId: await ctx.store.blobs.putBytes(body.bytes),
    size: body.size,
    quickXorHash: body.quickXorHash,
    mimeType: mimeTypeOf(name),
  };
  if ('item' in target && (behavior === 'replace' || !target.byPath)) {
    ctx.changes.addVersion(target.item, content, caller.user);
    return driveItemJson(ctx, target.item);
  }
  if ('item' in target) {
    const parent = ctx.store.item(drive.id, target.item.parentId ?? '');
    const { item } = ctx.changes.putFile(parent, name, content, caller.user, behavior);
    call.reply.code(201);
    return driveItemJson(ctx, item);
  }
  const parent = uploadFolder(call, target);
  const { item, created } = ctx.changes.putFile(parent, target.name, content, caller.user, behavior);
  call.reply.code(created ? 201 : 200);
  return driveItemJson(ctx, item);
}

export async function createUploadSessionRoute(call: Call, drive: Drive, target: Target): Promise<unknown> {
  const { ctx, caller } = call;
  only(call, 'POST');
  requireDriveAccess(ctx, caller, drive, 'write', 'item' in target ? target.item : target.parent);
  const body = await readJson(call);
  const item = (body.item ?? {}) as Record<string, unknown>;
  const fileSize = item.fileSize === undefined ? undefined : Number(item.fileSize);
  if (fileSize !== undefined && !(Number.isInteger(fileSize) && fileSize >= 0)) {
    throw invalidRequest('item.fileSize must be a non-negative integer.');
  }
  const behavior = parseConflictBehavior(item['@microsoft.graph.conflictBehavior'], 'fail');
  let parentId: string;
  let name: string;
  let targetItemId: string | undefined;
  if ('item' in target && target.byPath && behavior !== 'replace') {
    if (behavior === 'fail') throw nameExists(target.item.name);
    parentId = target.item.parentId ?? '';
    name = target.item.name;
  } else if ('item' in target) {
    if (target.item.kind !== 'file') {
      throw invalidRequest(
        'To upload a new file, address it as {parent-id}:/{filename}:/createUploadSession.',
      );
    }
    checkIfMatch(call, target.item);
    parentId = target.item.parentId ?? '';
    name = target.item.name;
    targetItemId = target.item.id;
  } else {
    if (typeof item.name === 'string' && item.name !== target.name) {
      throw invalidRequest('The name in the request body must match the name in the path.');
    }
    if (behavior === 'fail' && ctx.store.childNamed(target.parent, target.name)) {
      throw new GraphError(
        409,
        'nameAlreadyExists',
        `The specified item name already exists. Name: ${target.name}`,
      );
    }
    parentId = target.parent.id;
    name = target.name;
  }
  const session = ctx.uploads.create({
    driveId: drive.id,
    parentId,
    name,
    targetItemId,
    conflictBehavior: behavior,
    userId: caller.user.id,
    fileSize,
    deferCommit: body.deferCommit === true,
  });
  return {
    '@odata.context': `${ctx.urls().graph}/v1.0/$metadata#microsoft.graph.uploadSession`,
    expirationDateTime: new Date(session.expiresAt).toISOString(),
    nextExpectedRanges: ['0-'],
    uploadUrl: `${ctx.urls().content}/upload/${session.id}`,
  };
}

/**
 * The upload session's uploadUrl: PUT a fragment (Content-Range `bytes a-b/total`), GET its status,
 * DELETE to cancel, POST (empty) to commit a deferCommit session. Fragments must come in order, be
 * multiples of 320 KiB except the last, and be under 60 MiB; a fragment cut off mid-way is dropped
 * whole (the client resumes from nextExpectedRanges). The last byte commits the file: a new item
 * (201), or a new version of the item the session was opened on or replaces (200).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { GraphError, itemNotFound } from '../errors.ts';
import { driveItemJson } from '../graph/serialize.ts';
import { mimeTypeOf } from '../seed.ts';
import type { UploadSession } from '../store/upload-sessions.ts';
import { rejectBearer } from './download.ts';

export const FRAGMENT_MULTIPLE = 320 * 1024;
export const MAX_FRAGMENT = 60 * 1024 * 1024;

const status = (session: UploadSession) => ({
  expirationDateTime: new Date(session.expiresAt).toISOString(),
  nextExpectedRanges: [`${session.received}-${session.fileSize !== undefined ? session.fileSize - 1 : ''}`],
});

const rangeError = (message: string) => new GraphError(416, 'invalidRange', message);

function parseContentRange(request: FastifyRequest) {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
  if (!match)
    throw new GraphError(400, 'invalidRequest', 'Content-Range must be "bytes {start}-{end}/{total}".');
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (end < start || end >= total) throw rangeError('The Content-Range is not valid.');
  const length = Number(request.headers['content-length']);
  if (length !== end - start + 1) {
    throw new GraphError(400, 'invalidRequest', 'Content-Length must equal the size of the Content-Range.');
  }
  return { start, end, total, length };
}

function checkFragment(session: UploadSession, range: ReturnType<typeof parseContentRange>): void {
  if (session.fileSize !== undefined && range.total !== session.fileSize) {
    throw new GraphError(
      400,
      'invalidRequest',
      'The total size in Content-Range differs from the file size of the session.',
    );
  }
  if (range.end < session.received)
    throw rangeError('The uploaded fragment overlaps with data that has already been received.');
  if (range.start !== session.received) {
    throw rangeError(`Fragments must be uploaded in order: the next expected byte is ${session.received}.`);
  }
  if (range.length > MAX_FRAGMENT) {
    throw new GraphError(413, 'requestEntityTooLarge', 'A fragment must be smaller than 60 MiB.');
  }
  if (range.end + 1 < range.total && range.length % FRAGMENT_MULTIPLE !== 0) {
    throw new GraphError(
      400,
      'invalidRequest',
      'Fragments other than the last must be a multiple of 320 KiB (327,680 bytes).',
    );
  }
}

/** Writes the fragment at its offset; returns false when the connection was cut (nothing counted). */
async function receive(
  ctx: EmulatorContext,
  request: FastifyRequest,
  session: UploadSession,
  length: number,
) {
  const handle = await ctx.uploads.handle(session);
  const hash = session.hash.clone();
  const dropAt = ctx.faults.shouldDropUpload(request.url) ? Math.floor(length / 2) : -1;
  let written = 0;
  try {
    for await (const chunk of request.raw as AsyncIterable<Buffer>) {
      if (written + chunk.length > length) return false;
      await handle.write(chunk, 0, chunk.length, session.received + written);
      hash.update(chunk);
      written += chunk.length;
      if (dropAt >= 0 && written >= dropAt) {
        request.raw.destroy();
        return false;
      }
    }
  } catch {
    return false;
  }
  if (written !== length) return false;
  session.hash = hash;
  session.received += length;
  return true;
}

async function commit(ctx: EmulatorContext, reply: FastifyReply, session: UploadSession) {
  const user = ctx.store.users.get(session.userId);
  if (!user) throw itemNotFound();
  const parent = ctx.store.item(session.driveId, session.parentId);
  const existing = session.targetItemId ? ctx.store.item(session.driveId, session.targetItemId) : undefined;
  if (!existing && session.conflictBehavior === 'fail' && ctx.store.childNamed(parent, session.name)) {
    throw new GraphError(
      409,
      'nameAlreadyExists',
      'Another file exists with the same name as the uploaded session.',
    );
  }
  const size = session.received;
  const quickXorHash = session.hash.digest('base64');
  const blobId = await ctx.uploads.finish(session);
  const content = { blobId, size, quickXorHash, mimeType: mimeTypeOf(session.name) };
  if (existing) {
    ctx.changes.addVersion(existing, content, user);
    return reply.code(200).send(driveItemJson(ctx, existing));
  }
  const { item, created } = ctx.changes.putFile(
    parent,
    session.name,
    content,
    user,
    session.conflictBehavior,
  );
  return reply.code(created ? 201 : 200).send(driveItemJson(ctx, item));
}

async function putFragment(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: UploadSession,
) {
  const range = parseContentRange(request);
  checkFragment(session, range);
  if (session.busy)
    throw new GraphError(409, 'conflict', 'Another fragment of this session is being uploaded.');
  session.busy = true;
  try {
    session.fileSize ??= range.total;
    if (!(await receive(ctx, request, session, range.length))) return reply;
    ctx.uploads.extend(session);
    if (session.received < range.total || session.deferCommit) return reply.code(202).send(status(session));
    return await commit(ctx, reply, session);
  } finally {
    session.busy = false;
  }
}

export function registerUpload(app: FastifyInstance, ctx: EmulatorContext): void {
  const live = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    rejectBearer(ctx, request);
    const session = await ctx.uploads.live(request.params.id);
    if (!session) throw itemNotFound('The upload session was not found or has expired.');
    return session;
  };
  app.put<{ Params: { id: string } }>('/upload/:id', async (request, reply) =>
    putFragment(ctx, request, reply, await live(request)),
  );
  app.get<{ Params: { id: string } }>('/upload/:id', async (request) => status(await live(request)));
  app.delete<{ Params: { id: string } }>('/upload/:id', async (request, reply) => {
    await ctx.uploads.discard(await live(request));
    return reply.code(204).send();
  });
  app.post<{ Params: { id: string } }>('/upload/:id', async (request, reply) => {
    const session = await live(request);
    if (session.fileSize === undefined || session.received < session.fileSize) {
      throw new GraphError(400, 'invalidRequest', 'The upload is not complete.');
    }
    return commit(ctx, reply, session);
  });
}

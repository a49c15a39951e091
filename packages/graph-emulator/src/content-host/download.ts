/**
 * GET /download/{token}: the pre-authenticated download URL. No Authorization header is needed — and
 * one that is sent is refused with 401 and counted, because a client that sends its Graph token to a
 * download host leaks it. Honours single byte ranges (206, or 416 with `bytes * /size`); a
 * dropDownload fault cuts the connection half way through the body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { GraphError } from '../errors.ts';
import type { FileVersion } from '../model.ts';

export function rejectBearer(ctx: EmulatorContext, request: FastifyRequest): void {
  if (request.headers.authorization === undefined) return;
  ctx.faults.bearerOnPreauthenticated++;
  throw new GraphError(
    401,
    'unauthenticated',
    'Pre-authenticated URLs must be requested without an Authorization header.',
  );
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'invalid' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? 'invalid' : { start, end };
}

function resolveVersion(ctx: EmulatorContext, token: string): FileVersion {
  const target = ctx.links.verify(token);
  if (!target) throw new GraphError(401, 'unauthenticated', 'The pre-authenticated URL is not valid.');
  if (ctx.clock.now() >= target.expiresAt) {
    throw new GraphError(
      401,
      'unauthenticated',
      'The pre-authenticated URL has expired; get a new one from the item.',
    );
  }
  const item = ctx.store.item(target.driveId, target.itemId);
  const version = target.versionId
    ? item.versions.find((v) => v.id === target.versionId)
    : item.versions.at(-1);
  if (!version) throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
  return version;
}

async function send(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  version: FileVersion,
) {
  const range = parseRange(request.headers.range, version.size);
  if (range === 'invalid') {
    return reply.code(416).header('content-range', `bytes */${version.size}`).send();
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? version.size - 1;
  reply
    .code(range ? 206 : 200)
    .header('accept-ranges', 'bytes')
    .header('content-type', version.mimeType)
    .header('content-length', String(Math.max(0, end - start + 1)))
    .header('etag', `"${version.quickXorHash}"`);
  if (range) reply.header('content-range', `bytes ${start}-${end}/${version.size}`);
  if (version.size === 0 || end < start) return reply.send('');
  if (start > 0) ctx.faults.resumedDownloads++;
  if (ctx.faults.shouldDropDownload(request.url)) {
    ctx.faults.droppedDownloads++;
    const half = start + Math.floor((end - start + 1) / 2);
    const stream = ctx.store.blobs.read(version.blobId, start, Math.max(start, half - 1));
    stream.on('end', () => reply.raw.destroy());
    return reply.send(stream);
  }
  return reply.send(ctx.store.blobs.read(version.blobId, start, end));
}

export function registerDownload(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { token: string } }>('/download/:token', async (request, reply) => {
    rejectBearer(ctx, request);
    return send(ctx, request, reply, resolveVersion(ctx, request.params.token));
  });
}

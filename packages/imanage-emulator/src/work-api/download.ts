/**
 * Streams a version's bytes with Content-Length and an RFC 6266 Content-Disposition, and carries out
 * the "connection drop in the middle of a download" fault: half the body is sent, then the connection
 * is closed.
 */
import { Readable, Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openContent } from '../content.ts';
import type { EmulatorContext } from '../context.ts';
import type { DocumentRecord, DocumentVersion } from '../model.ts';
import { fullFileName } from './profiles.ts';

const MEDIA_TYPES: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  pdf: 'application/pdf',
  msg: 'application/vnd.ms-outlook',
  eml: 'message/rfc822',
  txt: 'text/plain',
};

/** attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded> (RFC 6266 / 8187). */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function sendDocumentContent(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  document: DocumentRecord,
  version: DocumentVersion,
) {
  reply
    .header('content-type', MEDIA_TYPES[version.extension.toLowerCase()] ?? 'application/octet-stream')
    .header('content-length', String(version.size))
    .header('content-disposition', contentDisposition(fullFileName(document.name, version.extension)));
  const body = openContent(version.content);
  if (!ctx.faults.shouldResetDownload()) return reply.send(body);
  const stream = Buffer.isBuffer(body) ? Readable.from([body]) : body;
  return reply.send(stream.pipe(cutAfter(Math.floor(version.size / 2), request)));
}

function cutAfter(cutoff: number, request: FastifyRequest): Transform {
  let sent = 0;
  let scheduled = false;
  const drop = () => {
    if (scheduled) return;
    scheduled = true;
    // end() rather than an RST: an RST makes the client's kernel discard bytes it has not read yet,
    // so the client would often see no body at all. Ending the socket delivers the partial body and
    // then the connection closes short of Content-Length, which clients see as a broken download.
    setTimeout(() => {
      const socket = request.raw.socket;
      socket?.end();
      setTimeout(() => socket?.destroy(), 1000).unref();
    }, 20);
  };
  if (cutoff === 0) drop();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = cutoff - sent;
      if (room <= 0) return callback();
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sent += part.length;
      if (sent >= cutoff) drop();
      return callback(null, part);
    },
  });
}

/** One Graph request as the route modules see it, and the helpers they share. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { badRequest, GraphError } from '../errors.ts';
import type { Caller } from './auth.ts';
import type { Json, Query } from './odata.ts';

export interface Call {
  ctx: EmulatorContext;
  caller: Caller;
  method: string;
  query: Query;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The resource's address under /v1.0, split at `:` path references (`root:/a/b:/content`). */
export interface ParsedPath {
  segments: string[];
  /** The decoded path between the colons, when the URL used one. */
  relativePath: string | undefined;
  /** Segments after the closing colon. */
  suffix: string[];
}

const split = (text: string) => text.split('/').filter(Boolean).map(decodeURIComponent);

/**
 * A path reference opens with `:/` and closes at the next `:` followed by `/` or the end, so colons
 * elsewhere (channel ids such as `19:…@thread.tacv2`) are plain characters.
 */
export function parsePath(rawUrl: string): ParsedPath {
  const path = (rawUrl.split('?')[0] ?? '').replace(/^\/v1\.0/, '');
  const open = path.indexOf(':/');
  if (open < 0) return { segments: split(path), relativePath: undefined, suffix: [] };
  let close = -1;
  for (let i = path.indexOf(':', open + 1); i >= 0; i = path.indexOf(':', i + 1)) {
    if (i === path.length - 1 || path[i + 1] === '/') {
      close = i;
      break;
    }
  }
  const end = close < 0 ? path.length : close;
  return {
    segments: split(path.slice(0, open)),
    relativePath: decodeURIComponent(path.slice(open + 1, end)),
    suffix: close < 0 ? [] : split(path.slice(close + 1)),
  };
}

export function methodNotAllowed(): GraphError {
  return new GraphError(405, 'BadRequest', 'The HTTP method is not allowed for this resource.');
}

export function segmentNotFound(segment: string | undefined): GraphError {
  return badRequest(`Resource not found for the segment '${segment ?? ''}'.`);
}

export function only(call: Call, ...methods: string[]): void {
  if (!methods.includes(call.method)) throw methodNotAllowed();
}

/** The JSON body of a request whose stream the content-type parser left unread. */
export async function readJson(call: Call): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of call.request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024)
      throw new GraphError(413, 'requestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // reported below
  }
  throw badRequest(
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

/** `{base}/v1.0/{path}`: for nextLink and deltaLink values. */
export function graphUrl(call: Call, path: string): string {
  return `${call.ctx.urls().graph}/v1.0/${path}`;
}

export function collection(values: unknown[]): Json {
  return { value: values };
}

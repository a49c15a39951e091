/**
 * Graph's error shape, `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`,
 * thrown as GraphError anywhere under /v1.0 and on the content host, and written by sendGraphError.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly innerCode: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { headers?: Record<string, string>; innerCode?: string } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.innerCode = options.innerCode;
  }
}

export const itemNotFound = (message = 'The resource could not be found.') =>
  new GraphError(404, 'itemNotFound', message);
export const accessDenied = (message = 'Access denied') => new GraphError(403, 'accessDenied', message);
export const invalidRequest = (message: string) => new GraphError(400, 'invalidRequest', message);
export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);

/** The ids Graph puts on every response; a client-request-id sent by the client is echoed. */
export function requestIds(request: FastifyRequest): { requestId: string; clientRequestId: string } {
  const sent = request.headers['client-request-id'];
  return { requestId: randomUUID(), clientRequestId: typeof sent === 'string' ? sent : randomUUID() };
}

export function sendGraphError(request: FastifyRequest, reply: FastifyReply, error: GraphError, now: number) {
  const { requestId, clientRequestId } = requestIds(request);
  reply
    .code(error.status)
    .headers(error.headers)
    .header('request-id', requestId)
    .header('client-request-id', clientRequestId)
    .type('application/json');
  return reply.send({
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        ...(error.innerCode ? { code: error.innerCode } : {}),
        date: new Date(now).toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  });
}

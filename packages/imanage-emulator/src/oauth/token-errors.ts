/**
 * Token endpoint errors. By default RFC 6749 §5.2 JSON (`{error, error_description}`); with
 * strict.nonRfcTokenErrors the shapes a client meets in the wild: the Work API's own envelope
 * (`{"error":{"code":"InvalidGrant","message":…}}`), an HTML error page from a gateway, or a bare 401.
 */
import type { FastifyReply } from 'fastify';
import { html, page } from '../html.ts';
import type { StrictConfig } from '../strictness.ts';

export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

/** invalid_grant → InvalidGrant, the Work API's code style. */
function workApiCode(error: string): string {
  return error.replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

export function sendTokenError(
  reply: FastifyReply,
  error: OAuthError,
  shape: StrictConfig['nonRfcTokenErrors'],
): FastifyReply {
  switch (shape) {
    case 'off':
      return reply.code(error.status).send({ error: error.error, error_description: error.message });
    case 'json':
      return reply
        .code(error.status)
        .send({ error: { code: workApiCode(error.error), message: error.message } });
    case 'html':
      return reply
        .code(error.status)
        .type('text/html; charset=utf-8')
        .send(page('Sign-in error', html`<h1>Sign-in error</h1><p>${error.message}</p>`));
    case 'empty':
      return reply.code(401).send();
  }
}

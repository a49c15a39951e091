import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';
import { escapeHtml } from './embedded-idp/pages.ts';

/**
 * Sign-in runs in the browser's address bar, where a JSON error would be a dead end. Requests that
 * accept HTML get a small page with the message, the stable code and a way to try again; API clients
 * get the usual {"error":{"code","message"}}.
 */
export function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export function sendSignInError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.status >= 500) request.log.error({ err: error }, error.message);
  if (!prefersHtml(request)) return reply.status(error.status).send(error.toJSON());
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in problem · Lexbridge</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}a.button{display:inline-block;margin-top:1rem;padding:.5rem 1rem;background:#0f6cbd;color:#fff;border-radius:4px;text-decoration:none}</style>
</head>
<body><main>
<h1>We could not sign you in</h1>
<p role="alert">${escapeHtml(error.message)}</p>
<p>Error code: <code data-error-code>${escapeHtml(error.code)}</code></p>
<a class="button" href="/api/auth/login">Try signing in again</a>
</main></body>
</html>`;
  return reply
    .status(error.status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page);
}

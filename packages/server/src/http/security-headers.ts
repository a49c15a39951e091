import type { FastifyInstance } from 'fastify';

/**
 * Headers every response carries unless its route set its own (the web app's pages set a richer
 * policy through helmet): no MIME sniffing, no framing by other sites, a policy that lets an API
 * answer or a plain server page run no script, and no caching of API answers (they carry the CSRF
 * token, names and statuses that must not linger in shared caches).
 */
const defaults: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(defaults)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { embeddedIdpPath } from '../settings.ts';
import type { EmbeddedIdentityProvider } from './provider.ts';

/**
 * Registers /idp and /idp/* on the Lexbridge HTTP app for the embedded identity provider, which is
 * made on the first request that reaches it: oidc-provider (about 30 MB resident, and an RSA key to
 * generate) is loaded only on a server where someone signs in through it, not at every start.
 */
export function mountEmbeddedIdentityProvider(
  load: () => Promise<EmbeddedIdentityProvider>,
): (app: FastifyInstance) => Promise<void> {
  let loading: Promise<EmbeddedIdentityProvider> | undefined;
  const provider = () => {
    loading ??= load().catch((err: unknown) => {
      // A failed load is tried again on the next request rather than remembered.
      loading = undefined;
      throw err;
    });
    return loading;
  };
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const { callback } = await provider();
    reply.hijack();
    // The provider's pages may not be framed (a login form in someone else's frame is a clickjacking aid).
    reply.raw.setHeader('content-security-policy', "frame-ancestors 'none'");
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    const req = request.raw as IncomingMessage & { originalUrl?: string };
    req.originalUrl = req.url;
    req.url = req.url!.slice(embeddedIdpPath.length) || '/';
    await callback(req, reply.raw as ServerResponse);
  };
  return async (app) => {
    await app.register(async (idp) => {
      // oidc-provider reads request bodies itself: leave them unread here.
      idp.removeAllContentTypeParsers();
      idp.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      // Password guessing on the sign-in form is slowed down per address; the rest passes freely.
      const limitPasswordTries = idp.rateLimit({ max: 10, timeWindow: '1 minute' });
      const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
        if (request.method === 'POST' && /\/interaction\/[^/]+\/login$/.test(request.url.split('?')[0]!)) {
          await limitPasswordTries.call(idp, request, reply);
        }
      };
      for (const url of [embeddedIdpPath, `${embeddedIdpPath}/*`]) {
        idp.route({
          method: ['GET', 'POST', 'OPTIONS'],
          url,
          schema: { hide: true },
          onRequest,
          handler: forward,
        });
      }
    });
  };
}

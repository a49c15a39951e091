import { z } from 'zod';
import { isAppError } from '../../../../../errors.ts';
import { setSignInCookie } from '../../../../../identity/cookies.ts';
import { sendSignInError } from '../../../../../identity/error-page.ts';
import { beginSignIn } from '../../../../../identity/sign-in.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/auth/login',
  config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
  access: 'public',
  summary: "Start signing in: redirects to the firm's identity provider (authorization code with PKCE)",
  tags: ['auth'],
  schema: {
    querystring: z.object({
      returnTo: z
        .string()
        .optional()
        .describe('A relative path on this server to return to after sign-in; anything else means "/"'),
    }),
  },
  async handler(request, reply, lexbridge) {
    try {
      const { authorizationUrl, state } = await beginSignIn(lexbridge, request.query.returnTo);
      setSignInCookie(reply, lexbridge.config, state);
      return reply.header('cache-control', 'no-store').redirect(authorizationUrl, 302);
    } catch (err) {
      if (isAppError(err)) return sendSignInError(request, reply, err);
      throw err;
    }
  },
});

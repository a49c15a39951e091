import { isAppError } from '../../../errors.ts';
import { clearSignInCookie, setSessionCookie } from '../../../identity/cookies.ts';
import { sendSignInError } from '../../../identity/error-page.ts';
import { deleteSession } from '../../../identity/sessions.ts';
import { completeSignIn, signInCookieName } from '../../../identity/sign-in.ts';
import { defineRoute } from '../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/signin-oidc',
  config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
  access: 'public',
  summary: 'Where the identity provider returns after sign-in (OpenID Connect redirect URI)',
  tags: ['auth'],
  hidden: true,
  async handler(request, reply, lexbridge) {
    clearSignInCookie(reply, lexbridge.config);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    try {
      const done = await completeSignIn(lexbridge, {
        query,
        cookieState: request.cookies[signInCookieName],
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      // A new sign-in replaces the browser's previous session rather than leaving it alive.
      if (request.user) await deleteSession(lexbridge.store.db, request.user.sessionIdHash);
      setSessionCookie(reply, lexbridge.config, done.session.token, done.session.absoluteExpiresAt);
      // People without a role are sent on too: the web app shows them which role to ask for.
      return reply.header('cache-control', 'no-store').redirect(done.returnTo, 302);
    } catch (err) {
      if (isAppError(err)) return sendSignInError(request, reply, err);
      throw err;
    }
  },
});

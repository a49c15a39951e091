import { signOutResponse } from '@lexbridge/contracts';
import { clearSessionCookie } from '../../../../../identity/cookies.ts';
import { assertCsrfToken } from '../../../../../identity/csrf.ts';
import { signOut } from '../../../../../identity/sign-in.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/auth/logout',
  // Public so that people without a role, or with an expired session, can still sign out; the CSRF
  // token is checked here whenever there is a session to end.
  access: 'public',
  csrfExempt: true,
  summary: "Sign out: ends the session and returns the identity provider's sign-out address when it has one",
  tags: ['auth'],
  schema: { response: { 200: signOutResponse } },
  async handler(request, reply, lexbridge) {
    const user = request.user;
    if (!user) {
      clearSessionCookie(reply, lexbridge.config);
      return { redirectTo: null };
    }
    assertCsrfToken(request.headers['x-csrf-token'], user.csrfToken);
    clearSessionCookie(reply, lexbridge.config);
    return signOut(lexbridge, user, request.ip);
  },
});

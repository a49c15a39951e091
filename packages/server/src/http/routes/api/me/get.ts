import { meResponse } from '@lexbridge/contracts';
import { AppError } from '../../../../errors.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/me',
  // Public in the route table so that a signed-in person without any role still learns who they are
  // (the web app then shows which role to ask for); without a session it answers 401 itself.
  access: 'public',
  summary: 'The signed-in person, their roles, and the CSRF token for state-changing requests',
  tags: ['auth'],
  schema: { response: { 200: meResponse } },
  async handler(request) {
    const user = request.user;
    if (!user) throw new AppError('unauthenticated');
    return {
      user: { id: user.id, name: user.name, email: user.email, roles: user.roles },
      csrfToken: user.csrfToken,
    };
  },
});

import { z } from 'zod';
import { completeAuthorisation } from '../../../../../authorisation/callback.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors/authorised',
  // The browser arrives here from the system's authorization server; the attempt's state binds it to the session
  // that started it, which completeAuthorisation checks, so the route itself is public.
  access: 'public',
  csrfExempt: true,
  hidden: true,
  summary: "OAuth 2.0 redirect URL: finishes a user's authorisation and returns to the Connectors page",
  tags: ['connectors'],
  schema: { querystring: z.record(z.string(), z.string()) },
  async handler(request, reply, lexbridge) {
    const location = await completeAuthorisation(lexbridge, request.query, request.user, request.ip);
    return reply.header('cache-control', 'no-store').redirect(location, 302);
  },
});

import { connectorIdParamsSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { startAuthorisation } from '../../../../../../authorisation/authorise.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors/:connectorId/authorise',
  config: {
    rateLimit: {
      max: 20,
      timeWindow: '1 minute',
      hook: 'preHandler',
      keyGenerator: (request: { user?: { id: string } | null; ip: string }) => request.user?.id ?? request.ip,
    },
  },
  access: 'signed-in',
  summary:
    "Start authorising this connector as the signed-in user: redirects (302) to the sign-in page of the connector's system",
  tags: ['connectors'],
  schema: {
    params: connectorIdParamsSchema,
    querystring: z.object({
      returnTo: z
        .string()
        .max(4000)
        .optional()
        .describe('A relative path on this server to come back to afterwards (default: the Connectors page)'),
    }),
  },
  async handler(request, reply, lexbridge) {
    const location = await startAuthorisation(
      lexbridge,
      request.params.connectorId,
      request.user,
      request.ip,
      { returnTo: request.query.returnTo },
    );
    return reply.header('cache-control', 'no-store').redirect(location, 302);
  },
});

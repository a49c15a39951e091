import { connectorIdParamsSchema } from '@lexbridge/contracts';
import { startAuthorisation } from '../../../../../../authorisation/authorise.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors/:connectorId/authorise',
  access: 'signed-in',
  summary: 'Start authorising this connector as the signed-in user: redirects (302) to the iManage sign-in page',
  tags: ['connectors'],
  schema: { params: connectorIdParamsSchema },
  async handler(request, reply, lexbridge) {
    const location = await startAuthorisation(lexbridge, request.params.connectorId, request.user!, request.ip);
    return reply.header('cache-control', 'no-store').redirect(location, 302);
  },
});

import { connectorIdParamsSchema, connectorSchema } from '@lexbridge/contracts';
import { getConnector } from '../../../../../connector-admin/service.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors/:connectorId',
  access: 'signed-in',
  summary: "One connector with the caller's own connection status (secrets are never returned)",
  tags: ['connectors'],
  schema: { params: connectorIdParamsSchema, response: { 200: connectorSchema } },
  async handler(request, _reply, lexbridge) {
    return getConnector(lexbridge, request.params.connectorId, request.user.id);
  },
});

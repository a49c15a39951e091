import { connectorIdParamsSchema, connectorSchema, updateConnectorBodySchema } from '@lexbridge/contracts';
import { updateConnector } from '../../../../../connector-admin/service.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/api/connectors/:connectorId',
  access: ['ConnectorAdmin'],
  summary:
    "Edit a connector. An empty or absent Secret Key keeps the stored one; a new Server Address or Client Id expires every user's authorisation",
  tags: ['connectors'],
  schema: {
    params: connectorIdParamsSchema,
    body: updateConnectorBodySchema,
    response: { 200: connectorSchema },
  },
  async handler(request, _reply, lexbridge) {
    return updateConnector(lexbridge, request.params.connectorId, request.body, {
      userId: request.user.id,
      ip: request.ip,
    });
  },
});

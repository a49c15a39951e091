import { connectionSchema, connectorIdParamsSchema } from '@lexbridge/contracts';
import { connectionView, findConnection } from '../../../../../../authorisation/connections.ts';
import { getConnectorRow } from '../../../../../../connectors/repository.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors/:connectorId/connection',
  access: 'signed-in',
  summary:
    "The caller's own connection to this connector: unauthorised, authorised, expired (with the reason) or error",
  tags: ['connectors'],
  schema: { params: connectorIdParamsSchema, response: { 200: connectionSchema } },
  async handler(request, _reply, lexbridge) {
    await getConnectorRow(lexbridge.store.db, request.params.connectorId);
    return connectionView(
      await findConnection(lexbridge.store.db, request.params.connectorId, request.user.id),
    );
  },
});

import { connectorIdParamsSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { disconnect } from '../../../../../../authorisation/connections.ts';
import { getConnectorRow } from '../../../../../../connectors/repository.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/api/connectors/:connectorId/connection',
  access: 'signed-in',
  summary: "Disconnect: forget the caller's tokens for this connector",
  tags: ['connectors'],
  schema: { params: connectorIdParamsSchema, response: { 200: z.object({ disconnected: z.boolean() }) } },
  async handler(request, _reply, lexbridge) {
    await getConnectorRow(lexbridge.store.db, request.params.connectorId);
    return {
      disconnected: await disconnect(lexbridge, request.params.connectorId, request.user.id, request.ip),
    };
  },
});

import { connectorIdParamsSchema, deleteConnectorQuerySchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { deleteConnector } from '../../../../../connector-admin/service.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/api/connectors/:connectorId',
  access: ['ConnectorAdmin'],
  summary:
    'Delete a connector; refused with connector_in_use while workflows use it, unless force=true (which pauses them)',
  tags: ['connectors'],
  schema: {
    params: connectorIdParamsSchema,
    querystring: deleteConnectorQuerySchema,
    response: { 200: z.object({ deleted: z.literal(true), pausedWorkflows: z.array(z.string()) }) },
  },
  async handler(request, _reply, lexbridge) {
    const result = await deleteConnector(
      lexbridge,
      request.params.connectorId,
      { force: request.query.force === 'true' },
      { userId: request.user.id, ip: request.ip },
    );
    return { deleted: true as const, ...result };
  },
});

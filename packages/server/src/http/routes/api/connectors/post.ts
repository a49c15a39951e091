import { connectorSchema, createConnectorBodySchema } from '@lexbridge/contracts';
import { createConnector } from '../../../../connector-admin/service.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/connectors',
  access: ['ConnectorAdmin'],
  summary:
    'Add a connector ("Save only"; "Authorise" is this followed by GET /api/connectors/{id}/authorise)',
  tags: ['connectors'],
  schema: { body: createConnectorBodySchema, response: { 201: connectorSchema } },
  async handler(request, reply, lexbridge) {
    const connector = await createConnector(lexbridge, request.body, {
      userId: request.user.id,
      ip: request.ip,
    });
    return reply.status(201).send(connector);
  },
});

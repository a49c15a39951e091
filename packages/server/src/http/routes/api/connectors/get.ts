import { connectorSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { listConnectors } from '../../../../connector-admin/service.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connectors',
  access: 'signed-in',
  summary: "Every connector, each with the caller's own connection status",
  tags: ['connectors'],
  schema: { response: { 200: z.object({ connectors: z.array(connectorSchema) }) } },
  async handler(request, _reply, lexbridge) {
    return { connectors: await listConnectors(lexbridge, request.user.id) };
  },
});

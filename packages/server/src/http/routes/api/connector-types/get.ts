import { connectorTypeSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { describeConnectorTypes } from '../../../../connectors/registry.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/connector-types',
  access: 'signed-in',
  summary: 'The connector types this server offers, with their configuration fields',
  tags: ['connectors'],
  schema: { response: { 200: z.object({ types: z.array(connectorTypeSchema) }) } },
  async handler(_request, _reply, lexbridge) {
    return { types: describeConnectorTypes(lexbridge.config) };
  },
});

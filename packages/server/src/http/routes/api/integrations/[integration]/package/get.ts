import { z } from 'zod';
import { defineRoute } from '../../../../../route.ts';
import { integrationFor } from '../kit.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/integrations/:integration/package',
  access: ['Admin', 'ConnectorAdmin'],
  summary:
    "A document system's package for registering Lexbridge, prefilled for this server; its options and format are the connector type's (see docs/connectors.md)",
  tags: ['integrations'],
  schema: {
    params: z.object({ integration: z.string().max(40) }),
    querystring: z.record(z.string(), z.string()),
  },
  async handler(request, reply, lexbridge) {
    const kit = integrationFor(request.params.integration);
    const { fileName, contentType, bytes } = kit.package(lexbridge.config, request.query);
    return reply
      .header('content-type', contentType)
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(bytes));
  },
});

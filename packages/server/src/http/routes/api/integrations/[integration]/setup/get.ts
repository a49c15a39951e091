import { z } from 'zod';
import { defineRoute } from '../../../../../route.ts';
import { integrationFor } from '../kit.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/integrations/:integration/setup',
  access: ['Admin', 'ConnectorAdmin'],
  summary:
    'The values an administrator of a document system enters there for Lexbridge (redirect URL, host, egress IPs, package links)',
  tags: ['integrations'],
  schema: {
    params: z.object({ integration: z.string().max(40) }),
    response: { 200: z.record(z.string(), z.unknown()) },
  },
  async handler(request, _reply, lexbridge) {
    return integrationFor(request.params.integration).setup(lexbridge.config);
  },
});

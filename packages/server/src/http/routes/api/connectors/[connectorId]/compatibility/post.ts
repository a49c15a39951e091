import { connectorIdParamsSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { compatibilityReportSchema } from '../../../../../../connectors/compatibility.ts';
import { runCompatibilityCheck } from '../../../../../../diagnostics/compatibility.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/connectors/:connectorId/compatibility',
  access: 'local-admin',
  hidden: true,
  summary:
    'The compatibility check of `lexbridge doctor --<name>`, run by the server that holds the embedded database',
  tags: ['admin'],
  schema: {
    params: connectorIdParamsSchema,
    querystring: z.object({ name: z.string().min(1).max(64), user: z.string().min(1).max(320).optional() }),
    response: { 200: compatibilityReportSchema },
  },
  async handler(request, _reply, lexbridge) {
    const { name, user } = request.query;
    return runCompatibilityCheck(lexbridge, name, request.params.connectorId, user);
  },
});

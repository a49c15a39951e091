import { connectorIdParamsSchema, diagnosticsReportSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { runDiagnostics } from '../../../../../../diagnostics/run.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/connectors/:connectorId/doctor',
  access: 'local-admin',
  hidden: true,
  summary: 'The diagnostics of `lexbridge doctor`, run by the server that holds the embedded database',
  tags: ['admin'],
  schema: {
    params: connectorIdParamsSchema,
    querystring: z.object({ user: z.uuid().optional() }),
    response: { 200: diagnosticsReportSchema },
  },
  async handler(request, _reply, lexbridge) {
    return runDiagnostics(lexbridge, request.params.connectorId, request.query.user);
  },
});

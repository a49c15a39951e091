import { connectorIdParamsSchema, diagnosticsReportSchema } from '@lexbridge/contracts';
import { runDiagnostics } from '../../../../../../diagnostics/run.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/connectors/:connectorId/test',
  config: {
    rateLimit: {
      max: 20,
      timeWindow: '1 minute',
      hook: 'preHandler',
      keyGenerator: (request: { user?: { id: string } | null; ip: string }) => request.user?.id ?? request.ip,
    },
  },
  access: 'signed-in',
  summary:
    "Diagnose connectivity to the connector's server (DNS, TCP, TLS, GET /api, libraries with the caller's tokens), each failure with advice",
  tags: ['connectors'],
  schema: { params: connectorIdParamsSchema, response: { 200: diagnosticsReportSchema } },
  async handler(request, _reply, lexbridge) {
    return runDiagnostics(lexbridge, request.params.connectorId, request.user.id);
  },
});

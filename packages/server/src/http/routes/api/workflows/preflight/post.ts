import { preflightBodySchema, preflightResultSchema } from '@lexbridge/contracts';
import { runPreflight } from '../../../../../workflows/preflight.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/workflows/preflight',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Run the pre-flight checks (connection, permission, workflow conflict) without creating anything',
  tags: ['workflows'],
  schema: { body: preflightBodySchema, response: { 200: preflightResultSchema } },
  async handler(request, _reply, lexbridge) {
    const { resolved: _resolved, ...result } = await runPreflight(lexbridge, request.user.id, request.body);
    return result;
  },
});

import { runIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { loadRunFor, toRunResponse } from '../../../../../workflows/model.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflow-runs/:runId',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'One run: status, counts, bytes, duration and progress (poll this, or use /events)',
  tags: ['workflows'],
  schema: { params: runIdParamsSchema, response: { 200: workflowRunSchema } },
  async handler(request, _reply, lexbridge) {
    return toRunResponse(await loadRunFor(lexbridge.store.db, request.user, request.params.runId));
  },
});

import { workflowIdParamsSchema, workflowSchema } from '@lexbridge/contracts';
import { loadWorkflowFor, toWorkflowResponses } from '../../../../../workflows/model.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflows/:workflowId',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'One workflow with its latest run',
  tags: ['workflows'],
  schema: { params: workflowIdParamsSchema, response: { 200: workflowSchema } },
  async handler(request, _reply, lexbridge) {
    const row = await loadWorkflowFor(lexbridge.store.db, request.user, request.params.workflowId);
    return (await toWorkflowResponses(lexbridge.store.db, [row]))[0];
  },
});

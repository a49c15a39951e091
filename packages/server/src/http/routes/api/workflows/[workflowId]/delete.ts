import { workflowIdParamsSchema } from '@lexbridge/contracts';
import { loadWorkflowFor } from '../../../../../workflows/model.ts';
import { deleteWorkflow } from '../../../../../workflows/service.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/api/workflows/:workflowId',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Delete a workflow (a running run is cancelled; copied items stay where they are)',
  tags: ['workflows'],
  schema: { params: workflowIdParamsSchema },
  async handler(request, reply, lexbridge) {
    const row = await loadWorkflowFor(lexbridge.store.db, request.user, request.params.workflowId);
    await deleteWorkflow(lexbridge, { ...request.user, ip: request.ip }, row);
    return reply.status(204).send();
  },
});

import { updateWorkflowBodySchema, workflowIdParamsSchema, workflowSchema } from '@lexbridge/contracts';
import { loadWorkflowFor, toWorkflowResponses } from '../../../../../workflows/model.ts';
import { updateWorkflow } from '../../../../../workflows/service.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/api/workflows/:workflowId',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Change a workflow: name, options, triggers, interval; pause or resume it',
  tags: ['workflows'],
  schema: {
    params: workflowIdParamsSchema,
    body: updateWorkflowBodySchema,
    response: { 200: workflowSchema },
  },
  async handler(request, _reply, lexbridge) {
    const row = await loadWorkflowFor(lexbridge.store.db, request.user, request.params.workflowId);
    const updated = await updateWorkflow(lexbridge, { ...request.user, ip: request.ip }, row, request.body);
    return (await toWorkflowResponses(lexbridge.store.db, [updated]))[0];
  },
});

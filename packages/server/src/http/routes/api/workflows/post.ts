import { createWorkflowBodySchema, workflowSchema } from '@lexbridge/contracts';
import { toWorkflowResponses } from '../../../../workflows/model.ts';
import { createWorkflow } from '../../../../workflows/service.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/workflows',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    'Create a workflow (after its pre-flight checks pass) and start its first run (unless startNow is false)',
  tags: ['workflows'],
  schema: { body: createWorkflowBodySchema, response: { 201: workflowSchema } },
  async handler(request, reply, lexbridge) {
    const { workflow } = await createWorkflow(lexbridge, { ...request.user, ip: request.ip }, request.body, {
      startNow: request.body.startNow,
    });
    const [view] = await toWorkflowResponses(lexbridge.store.db, [workflow]);
    return reply.status(201).send(view);
  },
});

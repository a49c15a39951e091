import { runIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { loadRunFor, loadWorkflowFor, toRunResponse } from '../../../../../../workflows/model.ts';
import { retryFailedItems } from '../../../../../../workflows/service.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/workflow-runs/:runId/retry',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    "Retry failed items: a new run of the workflow that acts only on what failed in this run (the workflow's latest; copy, one-way sync and move)",
  tags: ['workflows'],
  schema: { params: runIdParamsSchema, response: { 202: workflowRunSchema } },
  async handler(request, reply, lexbridge) {
    const { db } = lexbridge.store;
    const run = await loadRunFor(db, request.user, request.params.runId);
    const workflow = await loadWorkflowFor(db, request.user, run.workflowId);
    const retry = await retryFailedItems(lexbridge, { ...request.user, ip: request.ip }, workflow, run);
    return reply.status(202).send(toRunResponse(retry));
  },
});

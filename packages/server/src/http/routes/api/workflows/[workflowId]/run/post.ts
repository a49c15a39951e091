import { runRequestQuerySchema, workflowIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { recordAudit } from '../../../../../../audit/record.ts';
import { loadWorkflowFor, toRunResponse } from '../../../../../../workflows/model.ts';
import { requestRun } from '../../../../../../workflows/runs.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/workflows/:workflowId/run',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Run now (?dryRun=true lists what would be done without doing it)',
  tags: ['workflows'],
  schema: {
    params: workflowIdParamsSchema,
    querystring: runRequestQuerySchema,
    response: { 202: workflowRunSchema },
  },
  async handler(request, reply, lexbridge) {
    const row = await loadWorkflowFor(lexbridge.store.db, request.user, request.params.workflowId);
    const run = await requestRun(lexbridge, row, {
      trigger: 'manual',
      dryRun: request.query.dryRun,
      requestedBy: request.user.id,
    });
    await recordAudit(lexbridge.store.db, {
      action: 'workflow.run',
      actorUserId: request.user.id,
      targetType: 'workflow',
      targetId: row.id,
      ip: request.ip,
      details: { runId: run.id, dryRun: run.dryRun },
    });
    return reply.status(202).send(toRunResponse(run));
  },
});

import { runIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { recordAudit } from '../../../../../../audit/record.ts';
import { loadRunFor, toRunResponse } from '../../../../../../workflows/model.ts';
import { cancelRun } from '../../../../../../workflows/runs.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/workflow-runs/:runId/cancel',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Cancel a run: a queued run at once, a running one after the items in flight',
  tags: ['workflows'],
  schema: { params: runIdParamsSchema, response: { 202: workflowRunSchema } },
  async handler(request, reply, lexbridge) {
    const run = await loadRunFor(lexbridge.store.db, request.user, request.params.runId);
    const updated = await cancelRun(lexbridge, run);
    await recordAudit(lexbridge.store.db, {
      action: 'workflow.run.cancel',
      actorUserId: request.user.id,
      targetType: 'workflow_run',
      targetId: run.id,
      ip: request.ip,
    });
    return reply.status(202).send(toRunResponse(updated));
  },
});

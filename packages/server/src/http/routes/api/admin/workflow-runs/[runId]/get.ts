import { runIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { AppError } from '../../../../../../errors.ts';
import { workflowRuns } from '../../../../../../store/schema.ts';
import { toRunResponse } from '../../../../../../workflows/model.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/admin/workflow-runs/:runId',
  access: 'local-admin',
  summary: 'A run and its progress (used by `lexbridge workflows run` to draw its progress bar)',
  tags: ['admin'],
  schema: { params: runIdParamsSchema, response: { 200: workflowRunSchema } },
  async handler(request, _reply, lexbridge) {
    const [run] = await lexbridge.store.db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.id, request.params.runId));
    if (!run) throw new AppError('workflow_run_not_found');
    return toRunResponse(run);
  },
});

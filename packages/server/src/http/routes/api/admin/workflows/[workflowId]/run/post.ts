import {
  runRequestQuerySchema,
  workflowIdParamsSchema,
  workflowRunSchema,
  workflowTypes,
} from '@lexbridge/contracts';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { AppError } from '../../../../../../../errors.ts';
import { workflows } from '../../../../../../../store/schema.ts';
import { toRunResponse } from '../../../../../../../workflows/model.ts';
import { requestRun } from '../../../../../../../workflows/runs.ts';
import { defineRoute } from '../../../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/admin/workflows/:workflowId/run',
  access: 'local-admin',
  summary:
    'Run a workflow now (used by `lexbridge workflows run` while the server holds the embedded database)',
  tags: ['admin'],
  schema: {
    params: workflowIdParamsSchema,
    querystring: runRequestQuerySchema,
    response: { 202: workflowRunSchema },
  },
  async handler(request, reply, lexbridge) {
    const [row] = await lexbridge.store.db
      .select()
      .from(workflows)
      .where(
        and(
          eq(workflows.id, request.params.workflowId),
          isNull(workflows.deletedAt),
          inArray(workflows.type, [...workflowTypes]),
        ),
      );
    if (!row) throw new AppError('workflow_not_found');
    const run = await requestRun(lexbridge, row, { trigger: 'cli', dryRun: request.query.dryRun });
    return reply.status(202).send(toRunResponse(run));
  },
});

import { workflowIdParamsSchema, workflowRunSchema } from '@lexbridge/contracts';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { workflowRuns } from '../../../../../../store/schema.ts';
import { loadWorkflowFor, toRunResponse } from '../../../../../../workflows/model.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflows/:workflowId/runs',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: "A workflow's run history, newest first: status, counts, bytes and duration",
  tags: ['workflows'],
  schema: {
    params: workflowIdParamsSchema,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: { 200: z.object({ runs: z.array(workflowRunSchema) }) },
  },
  async handler(request, _reply, lexbridge) {
    const row = await loadWorkflowFor(lexbridge.store.db, request.user, request.params.workflowId);
    const runs = await lexbridge.store.db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.workflowId, row.id))
      .orderBy(desc(workflowRuns.createdAt))
      .limit(request.query.limit);
    return { runs: runs.map(toRunResponse) };
  },
});

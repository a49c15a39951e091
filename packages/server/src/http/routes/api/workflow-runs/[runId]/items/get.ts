import { runIdParamsSchema, runItemsPageSchema, runItemsQuerySchema } from '@lexbridge/contracts';
import { and, asc, eq, gt } from 'drizzle-orm';
import { runItems, workflows } from '../../../../../../store/schema.ts';
import { loadRunFor, toRunItemResponse } from '../../../../../../workflows/model.ts';
import { withWebLinks } from '../../../../../../workflows/web-links.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflow-runs/:runId/items',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: "A run's per-item results with errors in plain words, in the order they happened (paged)",
  tags: ['workflows'],
  schema: {
    params: runIdParamsSchema,
    querystring: runItemsQuerySchema,
    response: { 200: runItemsPageSchema },
  },
  async handler(request, _reply, lexbridge) {
    const run = await loadRunFor(lexbridge.store.db, request.user, request.params.runId);
    const { outcome, action, after, limit } = request.query;
    const rows = await lexbridge.store.db
      .select()
      .from(runItems)
      .where(
        and(
          eq(runItems.runId, run.id),
          gt(runItems.id, after),
          outcome ? eq(runItems.outcome, outcome) : undefined,
          action ? eq(runItems.action, action) : undefined,
        ),
      )
      .orderBy(asc(runItems.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const [workflow] = await lexbridge.store.db
      .select({ source: workflows.sourceConnectorId, target: workflows.targetConnectorId })
      .from(workflows)
      .where(eq(workflows.id, run.workflowId));
    const items = await withWebLinks(
      lexbridge,
      workflow ?? { source: null, target: null },
      page,
      toRunItemResponse,
    );
    return { items, nextAfter: rows.length > limit ? page.at(-1)!.id : null };
  },
});

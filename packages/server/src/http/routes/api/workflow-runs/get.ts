import { workflowRunListQuerySchema, workflowRunListSchema } from '@lexbridge/contracts';
import { listRunsAcrossWorkflows } from '../../../../workflows/activity.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflow-runs',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    "Runs across the workflows the caller may see (their own, or everyone's for Admins and Connector Admins), newest first, with each workflow's name and type; filter by status, page with cursor or before",
  tags: ['workflows'],
  schema: { querystring: workflowRunListQuerySchema, response: { 200: workflowRunListSchema } },
  async handler(request, _reply, lexbridge) {
    const { status, cursor, before, limit } = request.query;
    return listRunsAcrossWorkflows(lexbridge.store.db, request.user, {
      status,
      cursor,
      before: before ? new Date(before) : undefined,
      limit,
    });
  },
});

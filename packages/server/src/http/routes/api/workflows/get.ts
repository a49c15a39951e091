import { workflowSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { toWorkflowResponses } from '../../../../workflows/model.ts';
import { listWorkflows } from '../../../../workflows/service.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflows',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: "Workflows the caller may see: their own, or everyone's for Admins and Connector Admins",
  tags: ['workflows'],
  schema: { response: { 200: z.object({ workflows: z.array(workflowSchema) }) } },
  async handler(request, _reply, lexbridge) {
    const rows = await listWorkflows(lexbridge, request.user);
    return { workflows: await toWorkflowResponses(lexbridge.store.db, rows) };
  },
});

import { publishRunDetailSchema, publishRunIdParamsSchema } from '@lexbridge/contracts';
import { getPublishRun } from '../../../../../../publishing/runs.ts';
import { publisherRoles } from '../../../../../../publishing/selection.ts';
import { defineRoute } from '../../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/publish/runs/:runId',
  access: publisherRoles,
  summary: 'A publish: progress, status and the result for each item',
  tags: ['publishing'],
  schema: { params: publishRunIdParamsSchema, response: { 200: publishRunDetailSchema } },
  async handler(request, _reply, lexbridge) {
    return getPublishRun(lexbridge, request.user, request.params.runId);
  },
});

import { publishRunSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { listPublishRuns } from '../../../../../publishing/runs.ts';
import { publisherRoles } from '../../../../../publishing/selection.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/publish/runs',
  access: publisherRoles,
  summary: 'Your latest publishes, newest first',
  tags: ['publishing'],
  schema: { response: { 200: z.object({ runs: z.array(publishRunSchema) }) } },
  async handler(request, _reply, lexbridge) {
    return { runs: await listPublishRuns(lexbridge, request.user) };
  },
});

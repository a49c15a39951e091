import { publishSourcesQuerySchema, publishSourcesResponseSchema } from '@lexbridge/contracts';
import { publisherRoles } from '../../../../../publishing/selection.ts';
import { findPublishSources } from '../../../../../publishing/sources.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/publish/sources',
  access: publisherRoles,
  summary:
    'The connectors a selection may come from (those with a publish command), matches (by tenant or address) first, with your connection to each',
  tags: ['publishing'],
  schema: { querystring: publishSourcesQuerySchema, response: { 200: publishSourcesResponseSchema } },
  async handler(request, _reply, lexbridge) {
    const sources = await findPublishSources(lexbridge, request.user.id, {
      customerId: request.query.customer_id,
      from: request.query.from,
    });
    return { sources };
  },
});

import { publishDestinationSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { listDestinations } from '../../../../publishing/destinations.ts';
import { publisherRoles } from '../../../../publishing/selection.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/publish-destinations',
  access: publisherRoles,
  summary: 'The publish destinations Connector Admins have defined (what the publish page offers)',
  tags: ['publishing'],
  schema: { response: { 200: z.object({ destinations: z.array(publishDestinationSchema) }) } },
  async handler(_request, _reply, lexbridge) {
    return { destinations: await listDestinations(lexbridge.store.db) };
  },
});

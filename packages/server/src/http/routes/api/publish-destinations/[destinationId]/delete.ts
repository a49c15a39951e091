import { publishDestinationIdParamsSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { deleteDestination } from '../../../../../publishing/destinations.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/api/publish-destinations/:destinationId',
  access: ['ConnectorAdmin'],
  summary: 'Remove a publish destination from the choice (published files and history stay)',
  tags: ['publishing'],
  schema: {
    params: publishDestinationIdParamsSchema,
    response: { 200: z.object({ deleted: z.literal(true) }) },
  },
  async handler(request, _reply, lexbridge) {
    await deleteDestination(lexbridge, request.params.destinationId, {
      userId: request.user.id,
      ip: request.ip,
    });
    return { deleted: true as const };
  },
});

import {
  publishDestinationIdParamsSchema,
  publishDestinationSchema,
  updatePublishDestinationBodySchema,
} from '@lexbridge/contracts';
import { updateDestination } from '../../../../../publishing/destinations.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/api/publish-destinations/:destinationId',
  access: ['ConnectorAdmin'],
  summary:
    'Change a publish destination (a new connector or folder starts a fresh record of what was published)',
  tags: ['publishing'],
  schema: {
    params: publishDestinationIdParamsSchema,
    body: updatePublishDestinationBodySchema,
    response: { 200: publishDestinationSchema },
  },
  async handler(request, _reply, lexbridge) {
    return updateDestination(lexbridge, request.params.destinationId, request.body, {
      userId: request.user.id,
      ip: request.ip,
    });
  },
});

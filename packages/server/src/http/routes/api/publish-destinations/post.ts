import { publishDestinationBodySchema, publishDestinationSchema } from '@lexbridge/contracts';
import { createDestination } from '../../../../publishing/destinations.ts';
import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/publish-destinations',
  access: ['ConnectorAdmin'],
  summary: 'Define a publish destination: a connector and a folder in it that people may publish to',
  tags: ['publishing'],
  schema: { body: publishDestinationBodySchema, response: { 201: publishDestinationSchema } },
  async handler(request, reply, lexbridge) {
    const destination = await createDestination(lexbridge, request.body, {
      userId: request.user.id,
      ip: request.ip,
    });
    return reply.status(201).send(destination);
  },
});

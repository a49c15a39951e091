import { createPublishBodySchema, publishRunSchema } from '@lexbridge/contracts';
import { requestPublish } from '../../../../../publishing/runs.ts';
import { publisherRoles } from '../../../../../publishing/selection.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'POST',
  url: '/api/publish/runs',
  access: publisherRoles,
  summary: 'Publish selected items to a destination (202: the run starts; poll it for progress)',
  tags: ['publishing'],
  schema: { body: createPublishBodySchema, response: { 202: publishRunSchema } },
  async handler(request, reply, lexbridge) {
    const run = await requestPublish(
      lexbridge,
      { id: request.user.id, roles: request.user.roles, ip: request.ip },
      request.body,
    );
    return reply.status(202).send(run);
  },
});

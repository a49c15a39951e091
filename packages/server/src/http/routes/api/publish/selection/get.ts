import { publishSelectionQuerySchema, publishSelectionResponseSchema } from '@lexbridge/contracts';
import { publisherRoles, readSelection } from '../../../../../publishing/selection.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/publish/selection',
  access: publisherRoles,
  summary: 'Names, sizes and folder contents of the selected items, read with your own connection',
  tags: ['publishing'],
  schema: { querystring: publishSelectionQuerySchema, response: { 200: publishSelectionResponseSchema } },
  async handler(request, _reply, lexbridge) {
    const items = await readSelection(
      lexbridge,
      request.user.id,
      request.query.connectorId,
      request.query.ids.split(','),
    );
    return { items };
  },
});

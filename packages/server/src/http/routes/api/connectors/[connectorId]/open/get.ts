import { connectorIdParamsSchema } from '@lexbridge/contracts';
import { z } from 'zod';
import { ContentError } from '../../../../../../connectors/content.ts';
import { AppError } from '../../../../../../errors.ts';
import { connectionUsable, openContentStore } from '../../../../../../workflows/content-stores.ts';
import { defineRoute } from '../../../../../route.ts';

/**
 * "Open in <system>" for systems whose web address of an item only the system knows (SharePoint's
 * webUrl): the run page links here, and only a click asks the system, as the person clicking, with
 * their own rights. Redirects only to the http(s) address the system gave for that item.
 */
export default defineRoute({
  method: 'GET',
  url: '/api/connectors/:connectorId/open',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    "Open an item in its system's web interface: redirects (302) to the address the system gives for it",
  tags: ['connectors'],
  schema: {
    params: connectorIdParamsSchema,
    querystring: z.object({ id: z.string().min(1).max(2000).describe("The item's id in the connector") }),
  },
  async handler(request, reply, lexbridge) {
    const key = { connectorId: request.params.connectorId, userId: request.user.id };
    const usable = await connectionUsable(lexbridge, key);
    if (!usable.usable) throw new AppError('workflow_location_unavailable', usable.reason);
    const store = await openContentStore(lexbridge, key);
    try {
      const item = await store.getItem(request.query.id);
      const address = item.webUrl ? new URL(item.webUrl) : undefined;
      if (!address || (address.protocol !== 'https:' && address.protocol !== 'http:'))
        throw new AppError(
          'content_not_found',
          `${usable.connectorName ?? 'The system'} gives no web address for "${item.name}".`,
        );
      return reply.header('cache-control', 'no-store').redirect(address.href, 302);
    } catch (err) {
      if (err instanceof ContentError) throw new AppError(err.code, err.message);
      throw err;
    } finally {
      await store.close?.();
    }
  },
});

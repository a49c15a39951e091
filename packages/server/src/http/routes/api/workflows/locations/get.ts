import { locationListingSchema, locationQuerySchema } from '@lexbridge/contracts';
import { ContentError } from '../../../../../connectors/content.ts';
import { AppError } from '../../../../../errors.ts';
import { connectionUsable, openContentStore } from '../../../../../workflows/content-stores.ts';
import { defineRoute } from '../../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/workflows/locations',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: "Browse a connector's folders as the caller sees them (the creation wizard's folder browser)",
  tags: ['workflows'],
  schema: { querystring: locationQuerySchema, response: { 200: locationListingSchema } },
  async handler(request, _reply, lexbridge) {
    const key = { connectorId: request.query.connectorId, userId: request.user.id };
    const usable = await connectionUsable(lexbridge, key);
    if (!usable.usable) throw new AppError('workflow_location_unavailable', usable.reason);
    const store = await openContentStore(lexbridge, key);
    try {
      const item = await store.getItem(request.query.id);
      if (item.kind !== 'folder') throw new AppError('workflow_location_invalid');
      const ancestors = await store.ancestors(item.id);
      const children = [];
      for await (const child of store.listChildren(item.id))
        if (child.kind === 'folder') children.push({ id: child.id, name: child.name, kind: child.kind });
      children.sort((a, b) => a.name.localeCompare(b.name));
      return {
        connectorId: key.connectorId,
        id: item.id,
        name: item.name || usable.connectorName || '',
        ancestors: ancestors.map((a) => ({ id: a.id, name: a.name || usable.connectorName || '' })),
        children,
        ...(store.browsing?.(item.id) ?? { holdsDocuments: true }),
      };
    } catch (err) {
      if (err instanceof ContentError) throw new AppError(err.code, err.message);
      throw err;
    } finally {
      await store.close?.();
    }
  },
});

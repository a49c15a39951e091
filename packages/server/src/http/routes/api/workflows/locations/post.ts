import { createFolderBodySchema, folderNameProblem, locationEntrySchema } from '@lexbridge/contracts';
import { recordAudit } from '../../../../../audit/record.ts';
import { ContentError } from '../../../../../connectors/content.ts';
import { AppError } from '../../../../../errors.ts';
import { connectionUsable, openContentStore } from '../../../../../workflows/content-stores.ts';
import { defineRoute } from '../../../../route.ts';

/**
 * The folder picker's "New folder": a folder inside `parentId`, through the connector's content store
 * as the caller sees it — their own authorisation where the type has one, else the connector's May
 * write (a limited store refuses) — after the system says the caller may write there. Choosing a
 * publish destination (Connector Admins only) skips May write, as publishing into it does.
 */
export default defineRoute({
  method: 'POST',
  url: '/api/workflows/locations',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: 'Create a folder in the folder picker (folder_name_invalid, folder_exists, folder_create_denied)',
  tags: ['workflows'],
  schema: { body: createFolderBodySchema, response: { 201: locationEntrySchema } },
  async handler(request, reply, lexbridge) {
    const { connectorId, parentId, name, forPublishDestination } = request.body;
    const problem = folderNameProblem(name);
    if (problem) throw new AppError('folder_name_invalid', problem, { field: 'name' });
    if (forPublishDestination && !request.user.roles.includes('ConnectorAdmin'))
      throw new AppError(
        'folder_create_denied',
        'Only Connector Admins choose publish destinations, so only they create folders for them.',
      );
    const key = { connectorId, userId: request.user.id };
    const usable = await connectionUsable(lexbridge, key);
    if (!usable.usable) throw new AppError('workflow_location_unavailable', usable.reason);
    const store = await openContentStore(lexbridge, key, { forPublishDestination });
    try {
      const parent = await store.getItem(parentId);
      if (parent.kind !== 'folder') throw new AppError('workflow_location_invalid');
      if (!(await store.rights(parent.id)).write)
        throw new AppError(
          'folder_create_denied',
          `You may not create folders in "${parent.name || usable.connectorName}": choose a folder you may write to, or ask a Connector Admin.`,
        );
      if (await store.findChild(parent.id, name))
        throw new AppError('folder_exists', `"${name}" is already there: open it, or choose another name.`);
      const folder = await store.createFolder(parent.id, name);
      await recordAudit(lexbridge.store.db, {
        action: 'location.create_folder',
        actorUserId: request.user.id,
        targetType: 'connector',
        targetId: connectorId,
        ip: request.ip,
        details: { parentId: parent.id, name, id: folder.id },
      });
      return reply.status(201).send({ id: folder.id, name: folder.name, kind: 'folder' as const });
    } catch (err) {
      if (err instanceof ContentError) {
        if (err.code === 'content_access_denied') throw new AppError('folder_create_denied', err.message);
        throw new AppError(err.code, err.message);
      }
      throw err;
    } finally {
      await store.close?.();
    }
  },
});

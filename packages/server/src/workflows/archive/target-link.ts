import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getConnectorRow } from '../../connectors/repository.ts';
import type { DbOrTx } from '../../store/db.ts';

/**
 * The address people open an archive's target at, for the link file left in the source: the iManage
 * folder's web link (`<server>/work/link/f/<folder id>`), a local folder's file URL; null for others.
 */
export async function archiveTarget(
  db: DbOrTx,
  connectorId: string,
  folderId: string,
): Promise<{ url: string | null; name: string }> {
  const row = await getConnectorRow(db, connectorId);
  const config = (row.config ?? {}) as Record<string, unknown>;
  if (row.type === 'imanage' && typeof config.serverAddress === 'string')
    return {
      name: row.name,
      url: `${config.serverAddress.replace(/\/+$/, '')}/work/link/f/${encodeURIComponent(folderId)}`,
    };
  if (row.type === 'local-folder' && typeof config.path === 'string')
    return { name: row.name, url: pathToFileURL(join(config.path, folderId)).href };
  return { name: row.name, url: null };
}

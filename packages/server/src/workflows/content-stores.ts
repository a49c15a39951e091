import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { eq } from 'drizzle-orm';
import { findConnection } from '../authorisation/connections.ts';
import { connectorTypeDefinition } from '../connectors/catalogue.ts';
import type { ContentStore } from '../connectors/content.ts';
import { LocalFolderContentStore } from '../connectors/local-folder/content-store.ts';
import { AppError } from '../errors.ts';
import type { Lexbridge } from '../runtime.ts';
import { connectors } from '../store/schema.ts';

export interface ConnectionKey {
  connectorId: string;
  userId: string;
}

/** True when `candidate` is `root` or lies beneath it. */
function within(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Opens the content of a connector as one user sees it: the workflow engine's only way into a
 * connected system. Local folders are checked again against LEXBRIDGE_LOCAL_FOLDER_ROOTS at every
 * open, so removing a root from the configuration stops workflows that use it.
 */
export async function openContentStore(lexbridge: Lexbridge, key: ConnectionKey): Promise<ContentStore> {
  const [connector] = await lexbridge.store.db
    .select()
    .from(connectors)
    .where(eq(connectors.id, key.connectorId));
  if (!connector)
    throw new AppError('connector_not_found', 'The workflow uses a connector that no longer exists.');
  if (connector.type === 'local-folder') {
    const path = String(connector.config.path ?? '');
    const real = await realpath(path).catch(() => {
      throw new AppError(
        'workflow_location_unavailable',
        `The folder ${path} of connector "${connector.name}" does not exist any more.`,
      );
    });
    const roots = await Promise.all(
      lexbridge.config.LEXBRIDGE_LOCAL_FOLDER_ROOTS.map((r) => realpath(r).catch(() => r)),
    );
    if (!roots.some((root) => within(root, real))) {
      throw new AppError(
        'workflow_location_unavailable',
        `The folder of connector "${connector.name}" is not under LEXBRIDGE_LOCAL_FOLDER_ROOTS any more.`,
      );
    }
    return new LocalFolderContentStore(real);
  }
  if (connector.type === 'imanage-onprem' || connector.type === 'imanage-cloud') {
    const { openImanageContentStore } = await import('../connectors/imanage/content-store.ts');
    return openImanageContentStore(lexbridge, key);
  }
  throw new AppError(
    'workflow_location_unavailable',
    `Connectors of type ${connector.type} cannot be used in workflows yet.`,
  );
}

/** Whether the user can use the connector now: authorised (or needing no authorisation). */
export async function connectionUsable(
  lexbridge: Lexbridge,
  key: ConnectionKey,
): Promise<{ usable: boolean; reason?: string; connectorName?: string }> {
  const [connector] = await lexbridge.store.db
    .select()
    .from(connectors)
    .where(eq(connectors.id, key.connectorId));
  if (!connector) return { usable: false, reason: 'The connector does not exist.' };
  let perUser = true;
  try {
    perUser = connectorTypeDefinition(connector.type).perUserAuthorisation;
  } catch {
    return {
      usable: false,
      reason: `Connector "${connector.name}" has an unknown type.`,
      connectorName: connector.name,
    };
  }
  if (!perUser) return { usable: true, connectorName: connector.name };
  const connection = await findConnection(lexbridge.store.db, key.connectorId, key.userId);
  if (connection?.status === 'authorised') return { usable: true, connectorName: connector.name };
  const reason =
    connection?.status === 'expired'
      ? `Your authorisation of "${connector.name}" has expired: re-authorise it on the Connectors page.`
      : `You have not authorised "${connector.name}": authorise it on the Connectors page first.`;
  return { usable: false, reason, connectorName: connector.name };
}

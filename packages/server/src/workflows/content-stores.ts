import { findConnection } from '../authorisation/connections.ts';
import { userAccess } from '../authorisation/user-access.ts';
import type { ContentStore } from '../connectors/content.ts';
import { connectorRegistered } from '../connectors/registry.ts';
import { getConnectorRow, loadConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { allowedBy, limitedStore } from './use-policy.ts';

export interface ConnectionKey {
  connectorId: string;
  userId: string;
}

export interface OpenOptions {
  signal?: AbortSignal;
  /**
   * The store is opened to publish into (or locate) a publish destination, a folder a Connector Admin
   * chose for publishing: the connector's use policy does not apply, the destination's choice does.
   */
  forPublishDestination?: boolean;
}

/**
 * Opens the content of a connector as one user sees it: the workflow engine's only way into a
 * connected system. The connector's plug-in opens it, with the user's authorisation where the type
 * needs one; `signal` (the run's) ends every wait of the store, retries included. For a type without
 * per-user authorisation, the store holds the user to the connector's use policy (plugin `usePolicy`;
 * Connector Admins only where the type has none), which pre-flight and every run go through.
 */
export async function openContentStore(
  lexbridge: Lexbridge,
  key: ConnectionKey,
  { forPublishDestination, ...options }: OpenOptions = {},
): Promise<ContentStore> {
  let loaded: Awaited<ReturnType<typeof loadConnector>>;
  try {
    loaded = await loadConnector(lexbridge, key.connectorId);
  } catch (err) {
    if (isAppError(err) && err.code === 'connector_not_found')
      throw new AppError('connector_not_found', 'The workflow uses a connector that no longer exists.');
    throw err;
  }
  const { plugin, connector } = loaded;
  if (!plugin.openContentStore) {
    throw new AppError(
      'workflow_location_unavailable',
      `Connectors of type ${connector.type} cannot be used in workflows yet.`,
    );
  }
  const context = { config: lexbridge.config, log: lexbridge.log, ...options };
  if (plugin.oauth) return plugin.openContentStore(context, connector, userAccess(lexbridge, key));
  const store = await plugin.openContentStore(context, connector, undefined);
  if (forPublishDestination) return store;
  const policy = plugin.usePolicy?.(connector) ?? { read: [], write: [] };
  return limitedStore(store, await allowedBy(lexbridge.store.db, policy, key.userId), connector.name);
}

/** Whether the user can use the connector now: authorised (or needing no authorisation). */
export async function connectionUsable(
  lexbridge: Lexbridge,
  key: ConnectionKey,
): Promise<{ usable: boolean; reason?: string; connectorName?: string }> {
  const connector = await getConnectorRow(lexbridge.store.db, key.connectorId).catch(() => undefined);
  if (!connector) return { usable: false, reason: 'The connector does not exist.' };
  const plugin = connectorRegistered(connector.type);
  if (!plugin) {
    return {
      usable: false,
      reason: `Connector "${connector.name}" has an unknown type.`,
      connectorName: connector.name,
    };
  }
  if (!plugin.oauth) return { usable: true, connectorName: connector.name };
  const connection = await findConnection(lexbridge.store.db, key.connectorId, key.userId);
  if (connection?.status === 'authorised') return { usable: true, connectorName: connector.name };
  const reason =
    connection?.status === 'expired'
      ? `Your authorisation of "${connector.name}" has expired: re-authorise it on the Connectors page.`
      : `You have not authorised "${connector.name}": authorise it on the Connectors page first.`;
  return { usable: false, reason, connectorName: connector.name };
}

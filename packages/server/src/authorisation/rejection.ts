import { and, eq } from 'drizzle-orm';
import { loadConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { connections } from '../store/schema.ts';
import { expireConnection } from './connections.ts';
import { type ConnectionKey, tokenSlot } from './tokens.ts';

/** The reason code recorded on a connection whose renewed access token the system still refused. */
export const accessTokenRejected = 'access_token_rejected';

/**
 * What Lexbridge learnt when a system refused an access token that had just been renewed (or could
 * not be): the authorisation no longer works, whatever the token's expiry says. The connection
 * expires with the reason and the time (its owner's workflows on the connector pause, the owner is
 * told), so the Connectors page stops showing it as authorised. Nothing changes when the stored
 * token is no longer the refused one (someone re-authorised or renewed it meanwhile), or when the
 * connection is already not authorised. Returns whether the connection was expired.
 */
export async function recordRejectedToken(
  lexbridge: Lexbridge,
  key: ConnectionKey,
  rejectedAccessToken: string,
  where: string,
): Promise<boolean> {
  const { plugin, connector } = await loadConnector(lexbridge, key.connectorId);
  const message = `${plugin.systemName} did not accept your access to "${connector.name}" (${where} refused the token even after renewing it): the authorisation was revoked or no longer allows this. Re-authorise on the Connectors page.`;
  return lexbridge.store.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.connectorId, key.connectorId), eq(connections.userId, key.userId)));
    if (!current || current.status !== 'authorised' || !current.accessToken) return false;
    const stored = lexbridge.secrets.open(current.accessToken, tokenSlot(current.id, 'access_token'));
    if (stored !== rejectedAccessToken) return false;
    await expireConnection(tx, current, { code: accessTokenRejected, message });
    return true;
  });
}

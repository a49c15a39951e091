import type { UserAccess } from '../connectors/plugin.ts';
import type { Lexbridge } from '../context.ts';
import { recordRejectedToken } from './rejection.ts';
import { type ConnectionKey, getAccessToken, refreshConnection } from './tokens.ts';

/** A user's authorisation of a connector as its plug-in uses it: tokens renewed here, never by the plug-in. */
export function userAccess(lexbridge: Lexbridge, key: ConnectionKey): UserAccess {
  return {
    connectorId: key.connectorId,
    userId: key.userId,
    current: () => getAccessToken(lexbridge, key),
    renew: (staleAccessToken) => refreshConnection(lexbridge, key, { staleAccessToken }),
    rejected: async (token, where) => {
      await recordRejectedToken(lexbridge, key, token, where);
    },
  };
}

import type { AuthorizationServer, PluginContext, StoredConnector } from '../plugin.ts';
import { imanageServer } from './server.ts';
import type { ImanageSettings } from './settings.ts';

/**
 * The OAuth 2.0 authorization server of an iManage Work Server: its own endpoints
 * ({server}/auth/oauth2/authorize and /token; iManage has no discovery document), client_secret_post
 * unless the connector asks for HTTP Basic.
 */
export function imanageAuthorizationServer(
  context: PluginContext,
  connector: StoredConnector<ImanageSettings>,
): AuthorizationServer {
  const server = imanageServer(context, connector);
  return {
    issuer: server.serverAddress,
    authorizationEndpoint: `${server.serverAddress}/auth/oauth2/authorize`,
    tokenEndpoint: `${server.serverAddress}/auth/oauth2/token`,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    clientAuthentication: server.clientAuthentication,
    scope: server.scope,
    wantsRefreshToken: server.wantsRefreshToken,
    dispatcher: server.dispatcher,
    address: server.serverAddress,
  };
}

/** What a Connector Admin does about a refused Client Id or Secret Key, in iManage's terms. */
export const imanageCredentialsAdvice =
  'A Connector Admin should copy the Client Id and generate a new Secret Key in Control Center (Settings > Applications), save them on the connector, and authorise again.';

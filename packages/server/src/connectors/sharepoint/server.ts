import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../../retry.ts';
import { dispatcherFor } from '../http.ts';
import type { PluginContext, StoredConnector, UserAccess } from '../plugin.ts';
import { GraphClient } from './graph-client.ts';
import type { SharepointSettings } from './settings.ts';

/**
 * Everything needed to talk to one connector's tenant: its settings, where sign-in and Graph are, and
 * the dispatcher that carries every request (the connector's CA bundle, HTTPS_PROXY/NO_PROXY).
 */
export interface SharepointServer extends SharepointSettings {
  connectorId: string;
  /** `${loginHost}/${tenantId}` */
  authority: string;
  /** `${graphHost}/v1.0` */
  graphBase: string;
  dispatcher: Dispatcher;
}

export function sharepointServer(
  context: PluginContext,
  connector: StoredConnector<SharepointSettings>,
): SharepointServer {
  const { settings } = connector;
  return {
    ...settings,
    connectorId: connector.id,
    authority: `${settings.loginHost}/${encodeURIComponent(settings.tenantId)}`,
    graphBase: `${settings.graphHost}/v1.0`,
    dispatcher: dispatcherFor(context.config, settings.graphHost, settings.caBundle),
  };
}

/** How long one client reuses an access token before asking the engine again. */
const tokenReuseMs = 10_000;

/** A Graph client acting as the person whose access this is. */
export function graphClientFor(
  server: SharepointServer,
  access: UserAccess,
  policy?: RetryPolicy,
): GraphClient {
  let cached: { value: string; until: number } | undefined;
  const remember = (value: string) => {
    cached = { value, until: Date.now() + tokenReuseMs };
    return value;
  };
  return new GraphClient(
    server.graphBase,
    server.dispatcher,
    {
      async current() {
        if (cached && cached.until > Date.now()) return cached.value;
        return remember((await access.current()).accessToken);
      },
      async renew(stale) {
        return remember((await access.renew(stale)).accessToken);
      },
    },
    policy,
  );
}

import type { Dispatcher } from 'undici';
import { dispatcherFor } from '../http.ts';
import type { PluginContext, StoredConnector } from '../plugin.ts';
import type { ImanageSettings } from './settings.ts';

/**
 * Everything needed to talk to one connector's iManage server: its settings and the HTTP dispatcher
 * that carries the requests (the connector's CA bundle, the outbound proxy from HTTPS_PROXY/NO_PROXY).
 */
export interface ImanageServer extends ImanageSettings {
  connectorId: string;
  /** True for http:// on loopback (tests and the local emulator). */
  insecure: boolean;
  dispatcher: Dispatcher;
}

export function imanageServer(
  context: PluginContext,
  connector: StoredConnector<ImanageSettings>,
): ImanageServer {
  const { settings } = connector;
  return {
    ...settings,
    connectorId: connector.id,
    insecure: settings.serverAddress.startsWith('http:'),
    dispatcher: dispatcherFor(context.config, settings.serverAddress, settings.caBundle),
  };
}

/**
 * The Work API base on the connector's Server Address. `/api` names the API by an absolute URL that,
 * behind an application proxy, is the server's internal host: only its path is kept (the prefix
 * varies: /work/api/v2, /api/v2), so the token never goes to another origin than the one configured.
 */
export function apiBaseOn(serverAddress: string, discovered: string | undefined): string {
  const address = serverAddress.replace(/\/+$/, '');
  let path = '/work/api/v2';
  if (discovered) {
    try {
      path = new URL(discovered, `${address}/`).pathname.replace(/\/+$/, '') || path;
    } catch {
      // not a URL: keep the conventional path
    }
  }
  return `${address}${path}`;
}

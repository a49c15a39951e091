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

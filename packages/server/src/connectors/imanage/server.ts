import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';
import type { Lexbridge } from '../../runtime.ts';
import { type ConnectorRow, openConnectorSecrets } from '../repository.ts';
import {
  type ImanageConfig,
  imanageCloudAvailability,
  isLoopbackHost,
  normaliseServerAddress,
} from './settings.ts';

/**
 * Everything needed to talk to one connector's iManage server: its address, the OAuth client, and the
 * HTTP dispatcher that carries the requests (the connector's CA bundle, the outbound proxy from
 * HTTPS_PROXY/NO_PROXY). iManage Cloud takes its values from the operator's configuration.
 */
export interface ImanageServer {
  connectorId: string;
  serverAddress: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  wantsRefreshToken: boolean;
  clientAuthentication: 'client_secret_post' | 'client_secret_basic';
  caBundle?: string;
  /** True for http:// on loopback (tests and the local emulator). */
  insecure: boolean;
  dispatcher: Dispatcher;
}

export const imanageTypes = new Set(['imanage-onprem', 'imanage-cloud']);

const dispatchers = new Map<string, Dispatcher>();

/** One dispatcher per (address, CA bundle, proxy) so connections are pooled and reused. */
export function dispatcherFor(
  config: Pick<Config, 'HTTPS_PROXY' | 'NO_PROXY'>,
  serverAddress: string,
  caBundle?: string,
): Dispatcher {
  const host = new URL(serverAddress).hostname;
  const proxied = Boolean(config.HTTPS_PROXY) && !isLoopbackHost(host);
  const key = createHash('sha256')
    .update(`${proxied ? config.HTTPS_PROXY : ''}|${config.NO_PROXY ?? ''}|${caBundle ?? ''}`)
    .digest('hex');
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const tls = caBundle ? { ca: [...rootCertificates, caBundle] } : {};
    dispatcher = proxied
      ? new EnvHttpProxyAgent({
          httpsProxy: config.HTTPS_PROXY,
          httpProxy: config.HTTPS_PROXY,
          noProxy: config.NO_PROXY ?? '',
          connect: tls,
          requestTls: tls,
        })
      : new Agent({ connect: tls, keepAliveTimeout: 10_000 });
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

export function imanageServerFor(
  lexbridge: Pick<Lexbridge, 'config' | 'secrets'>,
  row: ConnectorRow,
): ImanageServer {
  if (row.type === 'imanage-cloud') {
    const availability = imanageCloudAvailability(lexbridge.config);
    if (!availability.available) throw new AppError('connector_type_not_configured', availability.reason);
    const serverAddress = normaliseServerAddress(
      lexbridge.config.LEXBRIDGE_IMANAGE_CLOUD_URL,
      'LEXBRIDGE_IMANAGE_CLOUD_URL',
    );
    return {
      connectorId: row.id,
      serverAddress,
      clientId: lexbridge.config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID!,
      clientSecret: lexbridge.config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET!,
      scope: 'user',
      wantsRefreshToken: true,
      clientAuthentication: 'client_secret_post',
      insecure: serverAddress.startsWith('http:'),
      dispatcher: dispatcherFor(lexbridge.config, serverAddress),
    };
  }
  if (row.type !== 'imanage-onprem') {
    throw new AppError(
      'connector_type_unknown',
      `The connector "${row.name}" is a ${row.type} connector, which does not talk to iManage.`,
    );
  }
  const config = row.config as unknown as ImanageConfig;
  const secrets = openConnectorSecrets(lexbridge, row);
  return {
    connectorId: row.id,
    serverAddress: config.serverAddress,
    clientId: config.clientId,
    clientSecret: secrets.secretKey ?? '',
    scope: config.scope,
    wantsRefreshToken: config.refreshToken,
    clientAuthentication: config.clientAuthentication ?? 'client_secret_post',
    ...(config.caBundle ? { caBundle: config.caBundle } : {}),
    insecure: config.serverAddress.startsWith('http:'),
    dispatcher: dispatcherFor(lexbridge.config, config.serverAddress, config.caBundle),
  };
}

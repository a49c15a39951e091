import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.ts';
import { isLoopbackHost } from '../config/private-addresses.ts';
import {
  assertLiteralAllowed,
  type GuardConfig,
  guardedLookup,
  isAddressRefusal,
  resolveAllowed,
} from './address-guard.ts';
import { undici } from './undici.ts';

/**
 * HTTP plumbing every plug-in that talks to a server shares: one pooled dispatcher per (CA bundle,
 * proxy, address policy), so requests honour the connector's trusted certificates, HTTPS_PROXY/NO_PROXY
 * and the operator's rule on non-public addresses (address-guard.ts). Every connection is checked
 * where it is made: a host's name through the guarded DNS lookup, an IP address (which is not looked
 * up) before the request is sent — redirects that a caller follows to another host included.
 */
export { isLoopbackHost };

type HttpConfig = Pick<Config, 'HTTPS_PROXY' | 'NO_PROXY'> & GuardConfig;

/** Whether requests to `host` go through the outbound proxy (HTTPS_PROXY, less NO_PROXY). */
export function proxiedFor(config: Pick<Config, 'HTTPS_PROXY' | 'NO_PROXY'>, host: string): boolean {
  if (!config.HTTPS_PROXY || isLoopbackHost(host)) return false;
  const noProxy = (config.NO_PROXY ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return !noProxy.some(
    (entry) =>
      entry === '*' ||
      host === entry.replace(/^\./, '') ||
      host.endsWith(entry.startsWith('.') ? entry : `.${entry}`),
  );
}

/**
 * The check at save (a connector's Server Address, sign-in or Graph host): the host's addresses must
 * be allowed. Behind the outbound proxy only IP addresses are checked (the proxy resolves names); a
 * name that does not resolve here is left to the connection. @throws connector_address_not_allowed
 */
export async function assertAddressAllowed(config: HttpConfig, address: string): Promise<void> {
  const host = new URL(address).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (proxiedFor(config, host)) return assertLiteralAllowed(config, host);
  await resolveAllowed(config, host).catch((err: unknown) => {
    if (isAddressRefusal(err)) throw err;
  });
}

const dispatchers = new Map<string, Dispatcher>();

/** An IP-address origin is connected to without a lookup: it is checked before each request. */
function checkingLiterals(dispatcher: Dispatcher, config: GuardConfig): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => {
    if (options.origin) assertLiteralAllowed(config, new URL(String(options.origin)).hostname);
    return dispatch(options, handler);
  });
}

/** One dispatcher per (address, CA bundle, proxy, address policy) so connections are pooled and reused. */
export function dispatcherFor(config: HttpConfig, serverAddress: string, caBundle?: string): Dispatcher {
  const host = new URL(serverAddress).hostname;
  const proxied = Boolean(config.HTTPS_PROXY) && !isLoopbackHost(host);
  const policy = `${config.allowPrivateAddresses}|${config.LEXBRIDGE_ALLOWED_PRIVATE_HOSTS.join(',')}`;
  const key = createHash('sha256')
    .update(`${proxied ? config.HTTPS_PROXY : ''}|${config.NO_PROXY ?? ''}|${caBundle ?? ''}|${policy}`)
    .digest('hex');
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const guard: GuardConfig = {
      allowPrivateAddresses: config.allowPrivateAddresses,
      LEXBRIDGE_ALLOWED_PRIVATE_HOSTS: [...config.LEXBRIDGE_ALLOWED_PRIVATE_HOSTS],
    };
    const tls = caBundle ? { ca: [...rootCertificates, caBundle] } : {};
    // `connect` carries the guarded lookup to direct connections only: not to the proxy itself, which
    // the operator chose; through the proxy, the proxy resolves the name.
    const connect = { ...tls, lookup: guardedLookup(guard) };
    dispatcher = checkingLiterals(
      proxied
        ? new (undici().EnvHttpProxyAgent)({
            httpsProxy: config.HTTPS_PROXY,
            httpProxy: config.HTTPS_PROXY,
            noProxy: config.NO_PROXY ?? '',
            connect,
            requestTls: tls,
          })
        : new (undici().Agent)({ connect, keepAliveTimeout: 10_000 }),
      guard,
    );
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { Config } from '../config/index.ts';

/**
 * HTTP plumbing every plug-in that talks to a server shares: one pooled dispatcher per (CA bundle,
 * proxy), so requests honour the connector's trusted certificates and HTTPS_PROXY/NO_PROXY.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

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

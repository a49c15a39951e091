import type { Config } from '../../config/index.ts';

/**
 * What to do next when Lexbridge cannot reach or trust a system's server, in words any plug-in can
 * use. Servers are often inside the firm's network: Lexbridge needs a public address, or an
 * application proxy that passes authentication through, and the firewall may need this server's
 * outbound addresses.
 */
export function egressIps(config: Pick<Config, 'LEXBRIDGE_EGRESS_IPS'>): string {
  return config.LEXBRIDGE_EGRESS_IPS.length > 0
    ? config.LEXBRIDGE_EGRESS_IPS.join(', ')
    : "(not configured: the operator should set LEXBRIDGE_EGRESS_IPS to this server's outbound addresses)";
}

export const advice = {
  publicUrl: (address: string, systemName: string) =>
    `Lexbridge must reach ${address} from where it runs. If the ${systemName} server is only on your internal network, give it a public address (a DNS name that resolves on the internet), or use an Application Proxy.`,
  applicationProxy: (systemName: string) =>
    `An Application Proxy (for example Microsoft Entra application proxy) can publish the ${systemName} server without opening your network: set it to passthrough authentication (not pre-authentication), so Lexbridge's sign-in redirects and API calls pass through unchanged, and use the proxy's external URL as the Server Address.`,
  allowlist: (config: Pick<Config, 'LEXBRIDGE_EGRESS_IPS'>, systemName: string) =>
    `If your firewall or the ${systemName} server only accepts known addresses (IP allowlisting), allow this Lexbridge server's outbound IP addresses: ${egressIps(config)}.`,
  spelling: (host: string) => `Check the spelling of the Server Address host "${host}" on the connector.`,
  proxy: (config: Pick<Config, 'HTTPS_PROXY'>) =>
    config.HTTPS_PROXY
      ? `Outbound requests go through the proxy ${redactProxy(config.HTTPS_PROXY)} (HTTPS_PROXY); check that the proxy allows this host, or add it to NO_PROXY.`
      : undefined,
  certificateTrust: (systemName: string) =>
    `Lexbridge does not trust the server's certificate. If your firm's own certificate authority issued it, paste that CA certificate (PEM) into the connector's "Trusted certificates" field; otherwise install a certificate from a public authority on the ${systemName} server (or its proxy).`,
  certificateExpiry: () =>
    "Renew the server's certificate before it expires, or every user's connection will fail.",
  authorise: (systemName: string) =>
    `Choose Authorise on the Connectors page to connect your ${systemName} account; then run the test again.`,
  reauthorise: (systemName: string) =>
    `Choose Re-authorise on the Connectors page: ${systemName} no longer accepts your earlier authorisation.`,
};

function redactProxy(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'configured in HTTPS_PROXY';
  }
}

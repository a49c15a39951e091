import { isIP, type LookupFunction, Socket } from 'node:net';
import { type PeerCertificate, rootCertificates, connect as tlsConnect } from 'node:tls';
import type { DiagnosticStep } from '@lexbridge/contracts';
import type { Config } from '../../config/index.ts';
import { assertLiteralAllowed, guardedLookup, isAddressRefusal, resolveAllowed } from '../address-guard.ts';
import { proxiedFor } from '../http.ts';
import { advice } from './advice.ts';

/**
 * Building blocks of a plug-in's connection test: step results, and the network steps every server
 * shares (resolve the host, connect, check TLS: issuer, expiry, trust with the connector's CA bundle).
 * After a failed network step a plug-in skips the rest.
 */
export const stepTimeoutMs = 8_000;

export const stepOk = (
  name: string,
  label: string,
  detail: string,
  extra: string[] = [],
): DiagnosticStep => ({
  name,
  label,
  ok: true,
  detail,
  advice: extra,
});

export const stepFailed = (
  name: string,
  label: string,
  detail: string,
  adviceList: (string | undefined)[],
): DiagnosticStep => ({
  name,
  label,
  ok: false,
  detail,
  advice: adviceList.filter((a): a is string => Boolean(a)),
});

export const stepSkipped = (
  name: string,
  label: string,
  detail: string,
  adviceList: string[] = [],
): DiagnosticStep => ({ name, label, ok: true, skipped: true, detail, advice: adviceList });

const labels = {
  dns: 'Find the server (DNS)',
  tcp: 'Reach the server (network)',
  tls: 'Secure connection (certificate)',
};

/** The advice for a server Lexbridge cannot reach: public address, application proxy, allowlist, proxy. */
export function reachAdvice(config: Config, address: string, systemName: string): (string | undefined)[] {
  return [
    advice.publicUrl(address, systemName),
    advice.applicationProxy(systemName),
    advice.allowlist(config, systemName),
    advice.proxy(config),
  ];
}

/**
 * The dns, tcp and tls steps for a server address, appended to `steps`; false when one failed. Behind
 * an outbound proxy the host is not looked up here: the plug-in's own requests show whether it answers.
 * An address the operator does not allow (address-guard.ts) is refused before any step, so that the
 * test reports nothing about it (its DNS answers, open ports, certificate).
 * @throws connector_address_not_allowed
 */
export async function checkNetwork(
  config: Config,
  target: { address: string; caBundle?: string; systemName: string },
  steps: DiagnosticStep[],
): Promise<boolean> {
  const url = new URL(target.address);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const unreachable = () => reachAdvice(config, target.address, target.systemName);
  if (proxiedFor(config, host)) {
    assertLiteralAllowed(config, host);
    steps.push(
      stepSkipped(
        'dns',
        labels.dns,
        `Resolved by the outbound proxy (HTTPS_PROXY); ${host} is not looked up here.`,
      ),
      stepSkipped(
        'tcp',
        labels.tcp,
        'Connected through the outbound proxy; the next steps show whether the server answers.',
      ),
      stepSkipped('tls', labels.tls, 'The certificate is checked on the requests through the proxy.'),
    );
    return true;
  }
  if (isIP(host)) {
    assertLiteralAllowed(config, host);
    steps.push(stepOk('dns', labels.dns, `${host} is an IP address; nothing to resolve.`));
  } else {
    try {
      const addresses = await resolveAllowed(config, host);
      steps.push(
        stepOk('dns', labels.dns, `${host} resolves to ${addresses.map((a) => a.address).join(', ')}.`),
      );
    } catch (err) {
      if (isAddressRefusal(err)) throw err;
      steps.push(
        stepFailed(
          'dns',
          labels.dns,
          `${host} does not resolve from this server (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
          [advice.spelling(host), ...unreachable()],
        ),
      );
      return false;
    }
  }
  // The connections use the guarded lookup: they reach only addresses that were allowed.
  const lookup = guardedLookup(config);
  try {
    await tcpConnect(host, port, lookup);
    steps.push(stepOk('tcp', labels.tcp, `Connected to ${host} port ${port}.`));
  } catch (err) {
    if (isAddressRefusal(err)) throw err;
    steps.push(
      stepFailed(
        'tcp',
        labels.tcp,
        `Could not connect to ${host} port ${port}: ${(err as Error).message}.`,
        unreachable(),
      ),
    );
    return false;
  }
  if (url.protocol !== 'https:') {
    steps.push(
      stepSkipped(
        'tls',
        labels.tls,
        'The Server Address uses http (allowed only on this machine, for testing); no certificate to check.',
      ),
    );
    return true;
  }
  try {
    const cert = await tlsCheck(host, port, lookup, target.caBundle);
    const expires = new Date(cert.valid_to);
    const days = Math.floor((expires.getTime() - Date.now()) / 86_400_000);
    const issuer = [cert.issuer?.O, cert.issuer?.CN].filter(Boolean).join(', ') || 'unknown issuer';
    steps.push(
      stepOk(
        'tls',
        labels.tls,
        `Certificate for ${cert.subject?.CN ?? host} issued by ${issuer}, valid until ${expires.toISOString().slice(0, 10)} (${days} days).`,
        days < 14 ? [advice.certificateExpiry()] : [],
      ),
    );
  } catch (err) {
    if (isAddressRefusal(err)) throw err;
    steps.push(
      stepFailed('tls', labels.tls, `The TLS handshake with ${host} failed: ${(err as Error).message}.`, [
        advice.certificateTrust(target.systemName),
      ]),
    );
    return false;
  }
  return true;
}

function tcpConnect(host: string, port: number, lookup: LookupFunction): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(stepTimeoutMs, () =>
      socket.destroy(
        new Error(`no answer within ${stepTimeoutMs / 1000} s (a firewall may be dropping the connection)`),
      ),
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        isAddressRefusal(err)
          ? err
          : new Error(
              err.code === 'ECONNREFUSED'
                ? 'connection refused (nothing listens there, or a firewall rejects it)'
                : err.message,
            ),
      ),
    );
    socket.connect({ port, host, lookup }, () => {
      socket.end();
      resolve();
    });
  });
}

function tlsCheck(
  host: string,
  port: number,
  lookup: LookupFunction,
  caBundle?: string,
): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
      lookup,
      servername: isIP(host) ? undefined : host,
      ...(caBundle ? { ca: [...rootCertificates, caBundle] } : {}),
    });
    socket.setTimeout(stepTimeoutMs, () => socket.destroy(new Error('no TLS answer in time')));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
  });
}

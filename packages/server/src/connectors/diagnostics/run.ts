import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { type PeerCertificate, rootCertificates, connect as tlsConnect } from 'node:tls';
import type { DiagnosticStep, DiagnosticsReport } from '@lexbridge/contracts';
import { getAccessToken } from '../../authorisation/tokens.ts';
import { type AppError, isAppError } from '../../errors.ts';
import type { Lexbridge } from '../../runtime.ts';
import { fetchDiscovery, majorMinor } from '../imanage/discovery.ts';
import { type ImanageServer, imanageServerFor } from '../imanage/server.ts';
import { isLoopbackHost } from '../imanage/settings.ts';
import { openWorkApiClient } from '../imanage/work-api-client.ts';
import { getConnectorRow } from '../repository.ts';
import { advice } from './advice.ts';

/**
 * Why can't Lexbridge talk to this iManage server? The same steps serve POST
 * /api/connectors/{id}/test and `lexbridge doctor <connector-id>`: resolve the host, connect, check
 * TLS (issuer, expiry, trust with the connector's CA bundle), GET /api (an iManage server, version
 * 10.0 or later), and with the user's tokens list the libraries. Each step says what to do when it
 * fails; after a failed network step the rest are skipped.
 */
const stepTimeoutMs = 8_000;

type Step = DiagnosticStep;
const ok = (name: Step['name'], detail: string, extra: string[] = []): Step => ({
  name,
  ok: true,
  detail,
  advice: extra,
});
const failed = (name: Step['name'], detail: string, adviceList: (string | undefined)[]): Step => ({
  name,
  ok: false,
  detail,
  advice: adviceList.filter((a): a is string => Boolean(a)),
});
const skipped = (name: Step['name'], detail: string, adviceList: string[] = []): Step => ({
  name,
  ok: true,
  skipped: true,
  detail,
  advice: adviceList,
});

function proxiedFor(lexbridge: Lexbridge, host: string): boolean {
  if (!lexbridge.config.HTTPS_PROXY || isLoopbackHost(host)) return false;
  const noProxy = (lexbridge.config.NO_PROXY ?? '')
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

export async function runDiagnostics(
  lexbridge: Lexbridge,
  connectorId: string,
  userId?: string,
): Promise<DiagnosticsReport> {
  const row = await getConnectorRow(lexbridge.store.db, connectorId);
  const server = imanageServerFor(lexbridge, row);
  const url = new URL(server.serverAddress);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const proxied = proxiedFor(lexbridge, host);
  const { config } = lexbridge;
  const steps: Step[] = [];
  const reachAdvice = () => [
    advice.publicUrl(server.serverAddress),
    advice.applicationProxy(),
    advice.allowlist(config),
    advice.proxy(config),
  ];

  const network = async (): Promise<boolean> => {
    if (proxied) {
      steps.push(
        skipped('dns', `Resolved by the outbound proxy (HTTPS_PROXY); ${host} is not looked up here.`),
      );
      steps.push(
        skipped(
          'tcp',
          'Connected through the outbound proxy; the next steps show whether the server answers.',
        ),
      );
      steps.push(skipped('tls', 'The certificate is checked on the requests through the proxy.'));
      return true;
    }
    if (isIP(host)) steps.push(ok('dns', `${host} is an IP address; nothing to resolve.`));
    else {
      try {
        const addresses = await lookup(host, { all: true });
        steps.push(ok('dns', `${host} resolves to ${addresses.map((a) => a.address).join(', ')}.`));
      } catch (err) {
        steps.push(
          failed(
            'dns',
            `${host} does not resolve from this server (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
            [advice.spelling(host), ...reachAdvice()],
          ),
        );
        return false;
      }
    }
    try {
      await tcpConnect(host, port);
      steps.push(ok('tcp', `Connected to ${host} port ${port}.`));
    } catch (err) {
      steps.push(
        failed('tcp', `Could not connect to ${host} port ${port}: ${(err as Error).message}.`, reachAdvice()),
      );
      return false;
    }
    if (url.protocol !== 'https:') {
      steps.push(
        skipped(
          'tls',
          'The Server Address uses http (allowed only on this machine, for testing); no certificate to check.',
        ),
      );
      return true;
    }
    try {
      const cert = await tlsCheck(host, port, server.caBundle);
      const expires = new Date(cert.valid_to);
      const days = Math.floor((expires.getTime() - Date.now()) / 86_400_000);
      const issuer = [cert.issuer?.O, cert.issuer?.CN].filter(Boolean).join(', ') || 'unknown issuer';
      steps.push(
        ok(
          'tls',
          `Certificate for ${cert.subject?.CN ?? host} issued by ${issuer}, valid until ${expires.toISOString().slice(0, 10)} (${days} days).`,
          days < 14 ? [advice.certificateExpiry()] : [],
        ),
      );
    } catch (err) {
      steps.push(
        failed('tls', `The TLS handshake with ${host} failed: ${(err as Error).message}.`, [
          advice.certificateTrust(),
        ]),
      );
      return false;
    }
    return true;
  };

  if (await network()) {
    const token = userId
      ? await tokenFor(lexbridge, connectorId, userId)
      : { skip: "No user given: the API version and libraries are checked with a user's authorisation." };
    steps.push(
      await discoveryStep(server, 'accessToken' in token ? token.accessToken : undefined, reachAdvice),
    );
    const discoveryOk = steps.at(-1)!.ok;
    if (!discoveryOk) steps.push(skipped('libraries', 'Skipped: the server did not answer like iManage.'));
    else if ('accessToken' in token) steps.push(await librariesStep(lexbridge, server, userId!));
    else if ('fail' in token)
      steps.push(
        failed('libraries', token.fail.message, [
          token.fail.code === 'connection_not_authorised' ? advice.authorise() : advice.reauthorise(),
        ]),
      );
    else steps.push(skipped('libraries', token.skip, [advice.authorise()]));
  }
  return { connectorId, serverAddress: server.serverAddress, ok: steps.every((s) => s.ok), steps };
}

async function tokenFor(
  lexbridge: Lexbridge,
  connectorId: string,
  userId: string,
): Promise<{ accessToken: string } | { fail: AppError } | { skip: string }> {
  try {
    return { accessToken: (await getAccessToken(lexbridge, { connectorId, userId })).accessToken };
  } catch (err) {
    if (isAppError(err)) return { fail: err };
    throw err;
  }
}

async function discoveryStep(
  server: ImanageServer,
  accessToken: string | undefined,
  reachAdvice: () => (string | undefined)[],
): Promise<Step> {
  let result: Awaited<ReturnType<typeof fetchDiscovery>>;
  try {
    result = await fetchDiscovery(server, accessToken, AbortSignal.timeout(stepTimeoutMs));
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.message ?? (err as Error).message;
    const tls = /certificate|self[- ]signed|CERT/i.test(`${cause?.code ?? ''} ${message}`);
    return failed(
      'discovery',
      `GET ${server.serverAddress}/api failed: ${message}.`,
      tls ? [advice.certificateTrust()] : reachAdvice(),
    );
  }
  const data = result.data;
  if (data?.dms_version) {
    const version = majorMinor(data.dms_version);
    if (!version || version[0] < 10)
      return failed('discovery', `The server reports iManage Work ${data.dms_version}.`, [advice.version()]);
    return ok(
      'discovery',
      `iManage Work Server ${data.dms_version}${data.user?.customer_id !== undefined ? `, customer ${data.user.customer_id}` : ''}${data.user?.id ? `, signed in as ${data.user.id}` : ''}.`,
    );
  }
  if (!accessToken && result.status === 401 && result.contentType?.includes('json')) {
    return ok(
      'discovery',
      `${server.serverAddress}/api answers like iManage (it asks for a token). The version is checked once you have authorised.`,
    );
  }
  if (accessToken && result.status === 401) {
    return failed('discovery', `${server.serverAddress}/api did not accept your access token.`, [
      advice.reauthorise(),
    ]);
  }
  return failed(
    'discovery',
    `GET ${server.serverAddress}/api answered ${result.status}${result.contentType ? ` (${result.contentType.split(';')[0]})` : ''}, not iManage's discovery document.`,
    [advice.notImanage(server.serverAddress), advice.applicationProxy()],
  );
}

async function librariesStep(lexbridge: Lexbridge, server: ImanageServer, userId: string): Promise<Step> {
  try {
    const client = await openWorkApiClient(
      lexbridge,
      { connectorId: server.connectorId, userId },
      { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000, maxRetryAfterMs: 5000 },
    );
    const libraries = await client.libraries();
    return ok(
      'libraries',
      `Your account sees ${libraries.length} librar${libraries.length === 1 ? 'y' : 'ies'}: ${libraries.map((l) => l.id).join(', ') || 'none'}.`,
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const expired =
      err.code === 'connection_expired' ||
      err.code === 'connection_not_authorised' ||
      err.code === 'refresh_token_not_issued';
    return failed('libraries', err.message, [
      expired ? advice.reauthorise() : advice.notImanage(server.serverAddress),
    ]);
  }
}

function tcpConnect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(stepTimeoutMs, () =>
      socket.destroy(
        new Error(`no answer within ${stepTimeoutMs / 1000} s (a firewall may be dropping the connection)`),
      ),
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ECONNREFUSED'
            ? 'connection refused (nothing listens there, or a firewall rejects it)'
            : err.message,
        ),
      ),
    );
    socket.connect(port, host, () => {
      socket.end();
      resolve();
    });
  });
}

function tlsCheck(host: string, port: number, caBundle?: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
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

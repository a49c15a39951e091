import type { DiagnosticStep } from '@lexbridge/contracts';
import { isAppError } from '../../errors.ts';
import { advice } from '../diagnostics/advice.ts';
import { checkClientCredentials } from '../diagnostics/client-check.ts';
import {
  checkNetwork,
  reachAdvice,
  stepFailed,
  stepOk,
  stepSkipped,
  stepTimeoutMs,
} from '../diagnostics/steps.ts';
import {
  type AccessGrant,
  type ConnectorDiagnostics,
  oauthCallbackPath,
  type PluginContext,
  type SignInCheck,
  type StoredConnector,
  type UserAccess,
} from '../plugin.ts';
import { imanageAuthorizationServer, imanageCredentialsAdvice } from './authorization-server.ts';
import { type DiscoveryResult, fetchDiscovery, majorMinor } from './discovery.ts';
import { type ImanageServer, imanageServer } from './server.ts';
import type { ImanageSettings } from './settings.ts';
import { openWorkApiClient } from './work-api-client.ts';

/**
 * Why can't Lexbridge talk to this iManage server? After the network steps: GET /api (an iManage
 * server, version 10.0 or later), and with the user's tokens, the libraries they see. Each step says
 * what to do when it fails; after a failed network step the rest are skipped.
 */
const labels = { discovery: 'iManage Work Server answers', libraries: 'Libraries available' };
const systemName = 'iManage';

const imanageAdvice = {
  notImanage: (address: string) =>
    `${address} did not answer like an iManage Work Server. The Server Address must be the root of the Work Server (e.g. https://imanage.firm.com), not a page of the web client (…/work/web) or a sign-in portal.`,
  version: () =>
    'Lexbridge needs iManage Work Server 10.0 or later (OAuth 2.0 needs 10.2). Ask your iManage administrator about upgrading.',
};

export const imanageDiagnostics: ConnectorDiagnostics<ImanageSettings> = {
  async run(context, connector, access) {
    const server = imanageServer(context, connector);
    const steps: DiagnosticStep[] = [];
    const target = { address: server.serverAddress, caBundle: server.caBundle, systemName };
    if (await checkNetwork(context.config, target, steps)) {
      const token = access ? await grantOf(access) : undefined;
      const grant = token && 'grant' in token ? token.grant : undefined;
      const discovery = await discoveryStep(context, server, grant, access);
      steps.push(discovery.step);
      const client =
        discovery.step.ok || discovery.tokenRefused ? await clientStep(context, connector) : undefined;
      if (client) steps.push(client.step);
      steps.push(
        client?.refused
          ? stepSkipped(
              'libraries',
              labels.libraries,
              "Skipped: iManage does not accept the connector's Client Id or Secret Key (see above).",
            )
          : await afterDiscovery(server, discovery, access, token),
      );
    }
    return { target: server.serverAddress, steps };
  },
};

function clientStep(context: PluginContext, connector: StoredConnector<ImanageSettings>) {
  return checkClientCredentials(imanageAuthorizationServer(context, connector), {
    redirectUri: `${context.config.publicUrl}${oauthCallbackPath}`,
    systemName,
    credentialsAdvice: imanageCredentialsAdvice,
  });
}

/**
 * Before anyone is sent to sign in: the network, GET /api without a token (an iManage server
 * answers), and the Client Id and Secret Key, as Test checks them. A server without /api passes when
 * its token endpoint answers like an OAuth 2.0 server.
 */
export async function imanageSignInCheck(
  context: PluginContext,
  connector: StoredConnector<ImanageSettings>,
): Promise<SignInCheck> {
  const server = imanageServer(context, connector);
  const steps: DiagnosticStep[] = [];
  const target = { address: server.serverAddress, caBundle: server.caBundle, systemName };
  if (!(await checkNetwork(context.config, target, steps))) return { steps, refusal: 'server_unreachable' };
  const discovery = await discoveryStep(context, server, undefined, undefined);
  steps.push(discovery.step);
  if (discovery.unreachable) return { steps, refusal: 'server_unreachable' };
  const client = await clientStep(context, connector);
  steps.push(client.step);
  if (!client.step.ok && !client.refused) return { steps, refusal: 'server_unreachable' };
  // A plain OAuth 2.0 server has no /api: its token endpoint answering like one is enough.
  if (!discovery.step.ok && !client.refused && client.step.skipped)
    return { steps, refusal: 'server_not_recognised' };
  return { steps, ...(client.refused ? { refusal: client.refused } : {}) };
}

/** The libraries step, or why it is skipped: the server, or the person's authorisation, stopped the test. */
async function afterDiscovery(
  server: ImanageServer,
  discovery: Discovery,
  access: UserAccess | undefined,
  token: Awaited<ReturnType<typeof grantOf>> | undefined,
): Promise<DiagnosticStep> {
  if (discovery.tokenRefused)
    return stepSkipped(
      'libraries',
      labels.libraries,
      'Skipped: iManage does not accept your authorisation (see above).',
    );
  if (!discovery.step.ok)
    return stepSkipped('libraries', labels.libraries, 'Skipped: the server did not answer like iManage.');
  if (!access || !token)
    return stepSkipped(
      'libraries',
      labels.libraries,
      "No user given: the API version and libraries are checked with a user's authorisation.",
      [advice.authorise(systemName)],
    );
  if ('fail' in token)
    return stepFailed('libraries', labels.libraries, token.fail.message, [tokenAdvice(token.fail.code)]);
  return librariesStep(server, access);
}

const notAuthorisedCodes = new Set(['connection_not_authorised']);
const expiredCodes = new Set(['connection_expired', 'refresh_token_not_issued']);

function tokenAdvice(code: string): string {
  return notAuthorisedCodes.has(code) ? advice.authorise(systemName) : advice.reauthorise(systemName);
}

async function grantOf(
  access: UserAccess,
): Promise<{ grant: AccessGrant } | { fail: { code: string; message: string } }> {
  try {
    return { grant: await access.current() };
  } catch (err) {
    if (isAppError(err)) return { fail: err };
    throw err;
  }
}

interface Discovery {
  step: DiagnosticStep;
  /** The server answered, but refused the person's token even after renewing it (or it could not be renewed). */
  tokenRefused?: boolean;
  /** GET /api got no answer at all. */
  unreachable?: boolean;
}

async function discover(context: PluginContext, server: ImanageServer, accessToken: string | undefined) {
  try {
    return { result: await fetchDiscovery(server, accessToken, AbortSignal.timeout(stepTimeoutMs)) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.message ?? (err as Error).message;
    const tls = /certificate|self[- ]signed|CERT/i.test(`${cause?.code ?? ''} ${message}`);
    return {
      failed: stepFailed(
        'discovery',
        labels.discovery,
        `GET ${server.serverAddress}/api failed: ${message}.`,
        tls
          ? [advice.certificateTrust(systemName)]
          : reachAdvice(context.config, server.serverAddress, systemName),
      ),
    };
  }
}

/**
 * GET /api, with the person's token when there is one. A refused token is renewed once, as any call
 * would; a renewed token still refused means the authorisation no longer works, which the engine
 * records on the connection (so the Connectors page stops saying "Authorised").
 */
async function discoveryStep(
  context: PluginContext,
  server: ImanageServer,
  grant: AccessGrant | undefined,
  access: UserAccess | undefined,
): Promise<Discovery> {
  let accessToken = grant?.accessToken;
  let answer = await discover(context, server, accessToken);
  if (accessToken && access && answer.result?.status === 401) {
    const where = `GET ${server.serverAddress}/api`;
    try {
      accessToken = (await access.renew(accessToken)).accessToken;
    } catch (err) {
      if (!isAppError(err)) throw err;
      return {
        step: stepFailed('discovery', labels.discovery, err.message, [tokenAdvice(err.code)]),
        tokenRefused: true,
      };
    }
    answer = await discover(context, server, accessToken);
    if (answer.result?.status === 401) {
      await access.rejected?.(accessToken, where);
      return {
        step: stepFailed(
          'discovery',
          labels.discovery,
          `${server.serverAddress}/api did not accept your access token, even after renewing it: your authorisation was revoked or no longer allows this. Lexbridge now shows the connection as expired.`,
          [advice.reauthorise(systemName)],
        ),
        tokenRefused: true,
      };
    }
  }
  if (!answer.result) return { step: answer.failed, unreachable: true };
  return { step: discoveryAnswer(server, answer.result, accessToken) };
}

function discoveryAnswer(server: ImanageServer, result: DiscoveryResult, accessToken: string | undefined) {
  const data = result.data;
  if (data?.dms_version) {
    const version = majorMinor(data.dms_version);
    if (!version || version[0] < 10)
      return stepFailed(
        'discovery',
        labels.discovery,
        `The server reports iManage Work ${data.dms_version}.`,
        [imanageAdvice.version()],
      );
    return stepOk(
      'discovery',
      labels.discovery,
      `iManage Work Server ${data.dms_version}${data.user?.customer_id !== undefined ? `, customer ${data.user.customer_id}` : ''}${data.user?.id ? `, signed in as ${data.user.id}` : ''}.`,
    );
  }
  if (!accessToken && result.status === 401 && result.contentType?.includes('json')) {
    return stepOk(
      'discovery',
      labels.discovery,
      `${server.serverAddress}/api answers like iManage (it asks for a token). The version is checked once you have authorised.`,
    );
  }
  return stepFailed(
    'discovery',
    labels.discovery,
    `GET ${server.serverAddress}/api answered ${result.status}${result.contentType ? ` (${result.contentType.split(';')[0]})` : ''}, not iManage's discovery document.`,
    [imanageAdvice.notImanage(server.serverAddress), advice.applicationProxy(systemName)],
  );
}

async function librariesStep(server: ImanageServer, access: UserAccess) {
  try {
    const client = await openWorkApiClient(server, access, {
      attempts: 2,
      baseDelayMs: 200,
      maxDelayMs: 1000,
      maxRetryAfterMs: 5000,
    });
    const libraries = await client.libraries();
    return stepOk(
      'libraries',
      labels.libraries,
      `Your account sees ${libraries.length} librar${libraries.length === 1 ? 'y' : 'ies'}: ${libraries.map((l) => l.id).join(', ') || 'none'}.`,
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const byToken = notAuthorisedCodes.has(err.code) || expiredCodes.has(err.code);
    return stepFailed('libraries', labels.libraries, err.message, [
      byToken
        ? tokenAdvice(err.code)
        : err.code === 'connector_error'
          ? imanageAdvice.notImanage(server.serverAddress)
          : undefined,
    ]);
  }
}

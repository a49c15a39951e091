import type { AuthorisationResultCode, DiagnosticStep } from '@lexbridge/contracts';
import { isAppError } from '../../errors.ts';
import { advice } from '../diagnostics/advice.ts';
import { checkNetwork, stepFailed, stepOk, stepSkipped, stepTimeoutMs } from '../diagnostics/steps.ts';
import {
  type ConnectorDiagnostics,
  oauthCallbackPath,
  type PluginContext,
  type SignInCheck,
  type StoredConnector,
  type UserAccess,
} from '../plugin.ts';
import { undici } from '../undici.ts';
import { entraProblem, firstLine } from './entra.ts';
import { graphClientFor, type SharepointServer, sharepointServer } from './server.ts';
import type { SharepointSettings } from './settings.ts';

/**
 * The connection test: the network to the sign-in and Graph hosts, the tenant (its OpenID
 * configuration), the Client Id and Secret Key (a client-credentials token request, whose AADSTS
 * answer tells a wrong secret from an expired one or an unknown app), Graph answering, and with a
 * person's authorisation, whether their token works (`/me`).
 */
const systemName = 'Microsoft 365';
const labels = {
  tenant: 'Your tenant exists (Microsoft Entra ID)',
  app: 'The app registration and its secret',
  graph: 'Microsoft Graph answers',
  me: 'Your authorisation works',
};

async function network(
  context: PluginContext,
  server: SharepointServer,
  which: 'signin' | 'graph',
  steps: DiagnosticStep[],
) {
  const found: DiagnosticStep[] = [];
  const address = which === 'signin' ? server.loginHost : server.graphHost;
  const ok = await checkNetwork(
    context.config,
    { address, systemName, ...(server.caBundle ? { caBundle: server.caBundle } : {}) },
    found,
  );
  const prefix = which === 'signin' ? 'Sign-in service' : 'Microsoft Graph';
  steps.push(
    ...found.map((s) => ({
      ...s,
      name: `${which}-${s.name}`,
      label: `${prefix}: ${s.label}`,
      advice: s.ok || s.name === 'tls' ? s.advice : reachAdvice(context, which, address, s.name),
    })),
  );
  return ok;
}

/**
 * Microsoft's hosts are on the internet, so the generic advice (a Server Address, an application proxy
 * for a server inside the firm) does not fit: the host comes from the Microsoft cloud setting or is
 * given explicitly, and what stands between is this server's DNS, proxy or firewall.
 */
function reachAdvice(context: PluginContext, which: 'signin' | 'graph', address: string, step: string) {
  const field = which === 'signin' ? 'Sign-in host' : 'Graph host';
  const url = new URL(address);
  const host = url.hostname;
  return [
    step === 'dns'
      ? `Check the Microsoft cloud in the connector's advanced settings; where a ${field} is given there, check its spelling ("${host}").`
      : undefined,
    `This Lexbridge server must reach ${host} (port ${url.port || 443}) on the internet: if a firewall limits outbound connections, allow it; if the server reaches the internet only through a proxy, set HTTPS_PROXY.`,
    advice.proxy(context.config),
  ].filter((a): a is string => Boolean(a));
}

async function post(server: SharepointServer, url: string, form: Record<string, string>) {
  const res = await undici().request(url, {
    method: 'POST',
    dispatcher: server.dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    headersTimeout: stepTimeoutMs,
  });
  return {
    status: res.statusCode,
    body: (await res.body.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

function problemStep(name: string, label: string, description: string | undefined, fallback: string) {
  const problem = entraProblem(description);
  return stepFailed(
    name,
    label,
    problem ? `${problem.message} [${problem.reason}]` : `${fallback}: ${firstLine(description)}`,
    [problem?.nextStep],
  );
}

async function tenantStep(server: SharepointServer) {
  try {
    const res = await undici().request(`${server.authority}/v2.0/.well-known/openid-configuration`, {
      dispatcher: server.dispatcher,
      headersTimeout: stepTimeoutMs,
    });
    const body = (await res.body.json().catch(() => ({}))) as { issuer?: string; error_description?: string };
    if (res.statusCode === 200 && body.issuer)
      return stepOk('tenant', labels.tenant, `Tenant ${server.tenantId} found (issuer ${body.issuer}).`);
    return problemStep(
      'tenant',
      labels.tenant,
      body.error_description,
      `The sign-in service answered ${res.statusCode}`,
    );
  } catch (err) {
    return stepFailed(
      'tenant',
      labels.tenant,
      `The sign-in service did not answer: ${(err as Error).message}.`,
      [],
    );
  }
}

/** The app step's verdict from a token-endpoint answer; undefined when the answer does not tell. */
function appVerdict(status: number, body: Record<string, unknown>): DiagnosticStep | undefined {
  if (status === 200)
    return stepOk('app', labels.app, 'Microsoft Entra ID accepted the Client Id and Secret Key.');
  const description = typeof body.error_description === 'string' ? body.error_description : undefined;
  const problem = entraProblem(description);
  if (
    (problem && !problem.reauthorise) ||
    body.error === 'invalid_client' ||
    body.error === 'unauthorized_client'
  )
    return problemStep(
      'app',
      labels.app,
      description,
      `The sign-in service refused the app (${String(body.error)})`,
    );
  return undefined;
}

/**
 * A client-credentials request checks the Client Id and Secret Key without any person's sign-in.
 * Where that grant is not allowed, a code exchange with a code that cannot exist does: Entra checks
 * the client before the code, so a refused code (invalid_grant) means the secret was accepted.
 */
async function appStep(server: SharepointServer, redirectUri: string) {
  const tokenEndpoint = `${server.authority}/oauth2/v2.0/token`;
  const credentials = { client_id: server.clientId, client_secret: server.clientSecret };
  try {
    const first = await post(server, tokenEndpoint, {
      grant_type: 'client_credentials',
      ...credentials,
      scope: `${server.graphHost}/.default`,
    });
    const verdict = appVerdict(first.status, first.body);
    if (verdict) return verdict;
    const second = await post(server, tokenEndpoint, {
      grant_type: 'authorization_code',
      code: 'lexbridge-credentials-check-not-a-code',
      redirect_uri: redirectUri,
      ...credentials,
    });
    const byCode = appVerdict(second.status, second.body);
    if (byCode) return byCode;
    if (second.body.error === 'invalid_grant')
      return stepOk(
        'app',
        labels.app,
        'Microsoft Entra ID accepted the Client Id and Secret Key (a made-up sign-in code was refused, as expected).',
      );
    const description =
      typeof first.body.error_description === 'string' ? first.body.error_description : undefined;
    return stepSkipped(
      'app',
      labels.app,
      `The sign-in service would not check the secret without a person (${String(first.body.error ?? first.status)}: ${firstLine(description)}); authorising shows whether it is right.`,
    );
  } catch (err) {
    return stepFailed('app', labels.app, `The token endpoint did not answer: ${(err as Error).message}.`, []);
  }
}

const redirectUriOf = (context: PluginContext) => `${context.config.publicUrl}${oauthCallbackPath}`;

async function graphStep(server: SharepointServer) {
  try {
    const res = await undici().request(`${server.graphBase}/me`, {
      dispatcher: server.dispatcher,
      headersTimeout: stepTimeoutMs,
    });
    const body = (await res.body.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
    if (res.statusCode === 401 && body?.error?.code)
      return stepOk(
        'graph',
        labels.graph,
        `${server.graphBase} answers like Microsoft Graph (it asks for a token).`,
      );
    return stepFailed(
      'graph',
      labels.graph,
      `${server.graphBase}/me answered ${res.statusCode}, not like Microsoft Graph.`,
      ['Check the Microsoft cloud (or the Graph host) in the advanced settings.'],
    );
  } catch (err) {
    return stepFailed(
      'graph',
      labels.graph,
      `Microsoft Graph did not answer: ${(err as Error).message}.`,
      [],
    );
  }
}

async function meStep(server: SharepointServer, access: UserAccess) {
  try {
    const client = graphClientFor(server, access, {
      attempts: 2,
      baseDelayMs: 200,
      maxDelayMs: 1000,
      maxRetryAfterMs: 5000,
    });
    const me = await client.json<{ displayName?: string; userPrincipalName?: string }>('GET', '/me');
    return stepOk(
      'me',
      labels.me,
      `Signed in as ${me.displayName ?? ''} (${me.userPrincipalName ?? 'unknown'}).`,
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const notYet = err.code === 'connection_not_authorised';
    return stepFailed('me', labels.me, err.message, [
      notYet ? advice.authorise(systemName) : advice.reauthorise(systemName),
    ]);
  }
}

/** The result code for the Connectors page when the app step failed: a refused secret, or an unknown app. */
function appRefusal(step: DiagnosticStep): AuthorisationResultCode | undefined {
  if (step.ok) return undefined;
  if (/did not answer/.test(step.detail)) return 'server_unreachable';
  return /\[app_not_found\]|unauthorized_client/.test(step.detail) ? 'unauthorized_client' : 'invalid_client';
}

/**
 * Before anyone is sent to Microsoft's sign-in page: the sign-in host answers, the tenant exists, and
 * Entra accepts the Client Id and Secret Key (a wrong or expired secret, an unknown app), as Test checks.
 */
export async function sharepointSignInCheck(
  context: PluginContext,
  connector: StoredConnector<SharepointSettings>,
): Promise<SignInCheck> {
  const server = sharepointServer(context, connector);
  const steps: DiagnosticStep[] = [];
  if (!(await network(context, server, 'signin', steps))) return { steps, refusal: 'server_unreachable' };
  const tenant = await tenantStep(server);
  steps.push(tenant);
  if (!tenant.ok) return { steps, refusal: 'invalid_request' };
  const app = await appStep(server, redirectUriOf(context));
  steps.push(app);
  const refusal = appRefusal(app);
  return { steps, ...(refusal ? { refusal } : {}) };
}

export const sharepointDiagnostics: ConnectorDiagnostics<SharepointSettings> = {
  async run(context, connector, access) {
    const server = sharepointServer(context, connector);
    const steps: DiagnosticStep[] = [];
    const target = `${server.loginHost}/${server.tenantId} and ${server.graphHost}`;
    if (await network(context, server, 'signin', steps)) {
      const tenant = await tenantStep(server);
      steps.push(tenant);
      steps.push(
        tenant.ok
          ? await appStep(server, redirectUriOf(context))
          : stepSkipped('app', labels.app, 'Skipped: the tenant was not found.'),
      );
    }
    if (server.graphHost === server.loginHost || (await network(context, server, 'graph', steps))) {
      steps.push(await graphStep(server));
      steps.push(
        access
          ? await meStep(server, access)
          : stepSkipped(
              'me',
              labels.me,
              "No user given: your token is checked with a person's authorisation.",
              [advice.authorise(systemName)],
            ),
      );
    }
    const secretExpired = steps.some((s) => s.name === 'app' && s.detail.includes('[secret_expired]'));
    return { target, steps, ...(secretExpired ? { secretExpired } : {}) };
  },
};

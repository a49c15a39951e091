import type { DiagnosticStep } from '@lexbridge/contracts';
import type { AuthorizationServer } from '../plugin.ts';
import { undici } from '../undici.ts';
import { stepFailed, stepOk, stepSkipped, stepTimeoutMs } from './steps.ts';

/**
 * Whether the authorization server accepts the connector's Client Id and Secret Key, asked without
 * anyone signing in: a token request with a code that cannot exist. A server authenticates the client
 * before it looks at the code (RFC 6749 §3.2.1), so `invalid_client` (or a 401) means the credentials
 * are wrong and `invalid_grant` means they are right and only the code was refused. Any other answer
 * tells nothing, and the step is skipped rather than failed.
 */
export const clientStepLabel = 'The Client Id and Secret Key';

/** A code no server has issued: its refusal is the expected answer. */
const impossibleCode = 'lexbridge-credentials-check-not-a-code';

export interface ClientCheck {
  step: DiagnosticStep;
  /** The OAuth error code when the server refused the client: invalid_client or unauthorized_client. */
  refused?: 'invalid_client' | 'unauthorized_client';
}

export interface ClientCheckOptions {
  redirectUri: string;
  systemName: string;
  /** Where the Client Id and Secret Key are set in the system, for the advice. */
  credentialsAdvice: string;
}

function form(server: AuthorizationServer, redirectUri: string) {
  const fields: Record<string, string> = {
    grant_type: 'authorization_code',
    code: impossibleCode,
    redirect_uri: redirectUri,
    code_verifier: 'lexbridge-credentials-check-verifier-0000000000000000',
  };
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (server.clientAuthentication === 'client_secret_basic') {
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(server.clientId)}:${enc(server.clientSecret)}`).toString('base64')}`;
  } else {
    fields.client_id = server.clientId;
    fields.client_secret = server.clientSecret;
  }
  return { headers, body: new URLSearchParams(fields).toString() };
}

/** RFC 6749's `{"error":"invalid_client"}`, or an envelope such as iManage's `{"error":{"code":"InvalidClient"}}`. */
function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    const code = (parsed.error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && code !== ''
      ? code.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
      : undefined;
  } catch {
    return undefined;
  }
}

export async function checkClientCredentials(
  server: AuthorizationServer,
  options: ClientCheckOptions,
): Promise<ClientCheck> {
  const { headers, body } = form(server, options.redirectUri);
  let answer: { status: number; body: string };
  try {
    const res = await undici().request(server.tokenEndpoint, {
      method: 'POST',
      headers,
      body,
      ...(server.dispatcher ? { dispatcher: server.dispatcher } : {}),
      headersTimeout: stepTimeoutMs,
      bodyTimeout: stepTimeoutMs,
    });
    const text = (await res.body.text()).slice(0, 4000);
    answer = { status: res.statusCode, body: text };
  } catch (err) {
    return {
      step: stepFailed(
        'client',
        clientStepLabel,
        `The token endpoint ${server.tokenEndpoint} did not answer: ${(err as Error).message}.`,
        [],
      ),
    };
  }
  const code = errorCode(answer.body);
  const refused =
    code === 'invalid_client' || code === 'unauthorized_client'
      ? code
      : answer.status === 401 && code !== 'invalid_grant'
        ? 'invalid_client'
        : undefined;
  if (refused) {
    const what =
      refused === 'invalid_client'
        ? `${options.systemName} did not accept the connector's Client Id or Secret Key (${refused}).`
        : `${options.systemName} knows the Client Id but does not let the application sign people in (${refused}): it may be disabled.`;
    return { step: stepFailed('client', clientStepLabel, what, [options.credentialsAdvice]), refused };
  }
  if (code === 'invalid_grant')
    return {
      step: stepOk(
        'client',
        clientStepLabel,
        `${options.systemName} accepted the Client Id and Secret Key (a made-up sign-in code was refused, as expected).`,
      ),
    };
  return {
    step: stepSkipped(
      'client',
      clientStepLabel,
      `The token endpoint answered ${answer.status}${code ? ` (${code})` : ''}, which does not tell whether the Client Id and Secret Key are right; authorising shows it.`,
    ),
  };
}

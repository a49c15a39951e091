/**
 * Shared test set-up: an emulator on loopback (https with its generated CA, trusted through an undici
 * Agent), sign-in through the real authorize page with PKCE, and small Graph helpers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { type GraphEmulatorOptions, type RunningGraphEmulator, startGraphEmulator } from '../src/index.ts';

export const REDIRECT_URI = 'https://lexbridge.test/api/connectors/authorised';
export const ALEX = 'alex.wilber@contoso.onmicrosoft.com';
export const MEGAN = 'megan.bowen@contoso.onmicrosoft.com';
export const DEBRA = 'debra.berger@contoso.onmicrosoft.com';
export const SCOPES =
  'openid profile offline_access https://graph.microsoft.com/Files.ReadWrite.All https://graph.microsoft.com/Sites.ReadWrite.All https://graph.microsoft.com/User.Read https://graph.microsoft.com/Team.ReadBasic.All https://graph.microsoft.com/Channel.ReadBasic.All';

export interface TestEmulator extends RunningGraphEmulator {
  agent: Agent;
  /** fetch that trusts the emulator's CA. */
  fetch: (url: string, init?: Parameters<typeof undiciFetch>[1]) => ReturnType<typeof undiciFetch>;
}

export async function startTestEmulator(options: GraphEmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startGraphEmulator({ port: 0, seed: 7, redirectUris: [REDIRECT_URI], ...options });
  const agent = new Agent({ connect: emulator.caPem ? { ca: emulator.caPem } : {} });
  const close = emulator.close.bind(emulator);
  return Object.assign(emulator, {
    agent,
    fetch: (url: string, init: Parameters<typeof undiciFetch>[1] = {}) =>
      undiciFetch(url, { dispatcher: agent, ...init }),
    close: async () => {
      await close();
      await agent.close();
    },
  });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeParams(
  challenge: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: '3c9f1e2a-7b4d-4e8a-9c6b-0d1e2f3a4b5c',
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** Posts the sign-in form; returns the redirect (not followed) or the page. */
export async function submitSignIn(
  emulator: TestEmulator,
  params: Record<string, string>,
  login: string,
  password = emulator.password,
  tenant = emulator.tenantId,
) {
  const response = await emulator.fetch(`${emulator.loginUrl}/${tenant}/oauth2/v2.0/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, login, passwd: password }).toString(),
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location) : undefined,
    text: await response.text(),
  };
}

export async function tokenRequest(
  emulator: TestEmulator,
  form: Record<string, string>,
  tenant = emulator.tenantId,
) {
  const response = await emulator.fetch(`${emulator.loginUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export async function codeFor(emulator: TestEmulator, login = ALEX, overrides: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const { status, location, text } = await submitSignIn(
    emulator,
    authorizeParams(challenge, overrides),
    login,
  );
  const code = location?.searchParams.get('code');
  if (status !== 302 || !code) throw new Error(`sign-in failed: ${status} ${location} ${text.slice(0, 300)}`);
  return { code, verifier };
}

export async function signIn(emulator: TestEmulator, login = ALEX) {
  const { code, verifier } = await codeFor(emulator, login);
  const { status, body } = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    client_id: emulator.app.clientId,
    client_secret: emulator.app.secret,
  });
  if (status !== 200) throw new Error(`token exchange failed: ${status} ${JSON.stringify(body)}`);
  return body as {
    access_token: string;
    refresh_token: string;
    id_token: string;
    scope: string;
    expires_in: number;
  };
}

export async function graph(
  emulator: TestEmulator,
  token: string,
  path: string,
  init: Parameters<typeof undiciFetch>[1] = {},
) {
  const url = path.startsWith('http') ? path : `${emulator.graphUrl}${path}`;
  const response = await emulator.fetch(url, {
    redirect: 'manual',
    ...init,
    headers: { authorization: `Bearer ${token}`, ...((init.headers as Record<string, string>) ?? {}) },
  });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}

export const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

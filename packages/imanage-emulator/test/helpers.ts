/** Shared test set-up: a real emulator on 127.0.0.1:0 and small HTTP helpers for OAuth and the API. */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AppFileEntry,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../src/index.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export const TEST_APP: AppFileEntry = {
  client_id: 'lexbridge-test',
  client_secret: 'test-secret',
  name: 'Lexbridge Test',
  redirect_urls: [REDIRECT_URI],
  allow_refresh_token: true,
};

export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, seed: 42, apps: [TEST_APP], ...options });
}

export async function tokenRequest(
  emulator: RunningEmulator,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${emulator.url}/auth/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export async function passwordToken(
  emulator: RunningEmulator,
  username = 'jsmith',
  password = 'password',
  app: AppFileEntry = TEST_APP,
): Promise<string> {
  const { status, body } = await tokenRequest(emulator, {
    grant_type: 'password',
    username,
    password,
    client_id: app.client_id,
    client_secret: app.client_secret ?? '',
    scope: 'user',
  });
  if (status !== 200) throw new Error(`password grant failed: ${status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs in on the authorize page (form POST) and returns the redirect Location, not followed. */
export async function authorizeWithPassword(
  emulator: RunningEmulator,
  params: Record<string, string>,
  credentials: { username: string; password: string; action?: string } = {
    username: 'jsmith',
    password: 'password',
  },
): Promise<{ status: number; location: URL | undefined; text: string; cookie: string | undefined }> {
  const response = await fetch(`${emulator.url}/auth/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'sign_in', ...params, ...credentials }),
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location) : undefined,
    text: await response.text(),
    cookie: response.headers.get('set-cookie')?.split(';')[0],
  };
}

export function authorizeParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: TEST_APP.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'user',
    state: 'state-123',
    ...overrides,
  };
}

export function apiBase(emulator: RunningEmulator, library = 'ACTIVE'): string {
  return `${emulator.url}/work/api/v2/customers/${emulator.customerId}/libraries/${library}`;
}

export async function getJson(url: string, token: string, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, headers: { 'x-auth-token': token, ...(init.headers ?? {}) } });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as any) : undefined,
    headers: response.headers,
  };
}

export async function sendJson(method: string, url: string, token: string, body: unknown) {
  return getJson(url, token, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function uploadForm(
  profile: Record<string, unknown>,
  content: Uint8Array | string,
  fileName: string,
): FormData {
  const form = new FormData();
  form.append('profile', new Blob([JSON.stringify({ doc_profile: profile })], { type: 'application/json' }));
  form.append('file', new Blob([typeof content === 'string' ? content : Buffer.from(content)]), fileName);
  return form;
}

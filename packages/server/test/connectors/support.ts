import {
  type AppFileEntry,
  REAL_SERVER,
  type RunningEmulator,
  type StrictConfigInput,
  startEmulator,
  type UserFileEntry,
} from '@lexbridge/imanage-emulator';
import type { SignedIn, TestServer } from '../support/lexbridge.ts';

/** The emulator application Lexbridge is registered as in these suites. */
export const testClientId = 'lexbridge-test';
export const testClientSecret = 'correct-horse-battery-staple';

/**
 * The emulator as a real Work Server behaves (issue 16): every strictness option on — versioned
 * document ids, the cursor beside `data`, `/children` ignoring offset, a required class, token
 * errors in the Work API envelope, an internal host in `/api`, a 5 s search index lag — and the
 * library's content with document numbers colliding with folder numbers and the special-items
 * workspace (shortcuts, saved search, tab, category, emails). Pass `strict` to vary one option,
 * `clockSkewSeconds` to set the server's clock apart from ours.
 */
export async function startEmulatorFor(
  server: TestServer,
  app: Partial<AppFileEntry> = {},
  users?: UserFileEntry[],
  options: { strict?: StrictConfigInput; clockSkewSeconds?: number } = {},
): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    seed: 5,
    ...(options.clockSkewSeconds ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
    strict: { ...REAL_SERVER, ...options.strict },
    content: { numberCollisions: true, specialItems: true },
    ...(users ? { users } : {}),
    apps: [
      {
        client_id: testClientId,
        client_secret: testClientSecret,
        name: 'Lexbridge',
        redirect_urls: [`${server.lexbridge.config.publicUrl}/api/connectors/authorised`],
        allow_refresh_token: true,
        ...app,
      },
    ],
  });
}

/** Points the server's public URL at its real address, as an operator would set LEXBRIDGE_PUBLIC_URL. */
export function usePublicUrl(server: TestServer): void {
  (server.lexbridge.config as { publicUrl: string }).publicUrl = server.url;
}

export async function createImanageConnector(
  server: TestServer,
  admin: SignedIn,
  emulator: { url: string },
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/connectors`, {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'imanage-onprem',
      name: 'iManage Sandbox',
      config: {
        clientId: testClientId,
        secretKey: testClientSecret,
        scope: 'User',
        refreshToken: true,
        serverAddress: `${emulator.url}/`,
        ...overrides,
      },
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`create connector answered ${res.status}: ${JSON.stringify(body)}`);
  return { id: body.id as string, body };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden inputs of the emulator's sign-in form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[match[1]!] = decodeEntities(match[2]!);
  return fields;
}

export interface AuthorisationTrip {
  /** Where the iManage server sent the browser back to (our callback, with code and state). */
  callbackUrl: string;
  /** Where our callback sent the browser (the Connectors page). */
  landing: string;
}

/**
 * Drives a browser's authorisation: GET /api/connectors/{id}/authorise with the Lexbridge session,
 * the emulator's sign-in form (fetch, manual redirects), and the callback with the same session.
 * `beforeCallback` may change things between sign-in and callback (expire the attempt, swap cookies).
 */
export async function authoriseThroughEmulator(
  server: TestServer,
  user: SignedIn,
  connectorId: string,
  options: {
    username?: string;
    password?: string;
    action?: 'sign_in' | 'cancel';
    callbackCookie?: string | null;
    beforeCallback?: () => Promise<void>;
  } = {},
): Promise<AuthorisationTrip> {
  const start = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie: user.cookie },
    redirect: 'manual',
  });
  if (start.status !== 302) throw new Error(`authorise answered ${start.status}: ${await start.text()}`);
  const authorizeUrl = start.headers.get('location')!;
  const formPage = await fetch(authorizeUrl, { redirect: 'manual' });
  if (formPage.status !== 200)
    throw new Error(`emulator authorize answered ${formPage.status}: ${await formPage.text()}`);
  const fields = hiddenFields(await formPage.text());
  const posted = await fetch(new URL('/auth/oauth2/authorize', authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...fields,
      username: options.username ?? 'jsmith',
      password: options.password ?? 'password',
      action: options.action ?? 'sign_in',
    }),
    redirect: 'manual',
  });
  if (posted.status !== 302)
    throw new Error(`emulator sign-in answered ${posted.status}: ${await posted.text()}`);
  const callbackUrl = posted.headers.get('location')!;
  await options.beforeCallback?.();
  const cookie = options.callbackCookie === undefined ? user.cookie : options.callbackCookie;
  const callback = await fetch(callbackUrl, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  if (callback.status !== 302)
    throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
  return { callbackUrl, landing: callback.headers.get('location')! };
}

import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import {
  getJson,
  passwordToken,
  REDIRECT_URI,
  sendJson,
  startTestEmulator,
  tokenRequest,
} from './helpers.ts';

let emulator: RunningEmulator;
let adminToken: string;

const MANIFEST = `schema_version: 1
name: Syncly Publisher
description: Publishes documents
publisher: Example LLP
client_id: publisher-app
redirect_urls:
  - ${REDIRECT_URI}
settings:
  - key: host
    label: Lexbridge address
    type: url
    required: true
  - key: team
    label: Team
    default: litigation
context_menu:
  - id: publish
    label: Publish to Lexbridge
    url: "{settings.host}/plugin/publish"
    targets: [document, folder]
    multi_select: true
`;

function packageZip(manifest = MANIFEST, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ 'manifest.yaml': strToU8(manifest), 'web/index.html': strToU8('<p>app</p>'), ...extra });
}

async function uploadPackage(zip: Uint8Array, token = adminToken) {
  return getJson(`${emulator.url}/cc/api/applications/package`, token, {
    method: 'POST',
    headers: { 'content-type': 'application/zip' },
    body: Buffer.from(zip),
  });
}

async function signIn(username: string, password: string): Promise<string> {
  const response = await fetch(`${emulator.url}/auth/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, return_to: '/cc' }),
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')?.split(';')[0] as string;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  adminToken = await passwordToken(emulator, 'admin', 'admin');
});
afterAll(() => emulator.close());

describe('Control Center JSON API', () => {
  it('is for administrators only', async () => {
    expect((await fetch(`${emulator.url}/cc/api/applications`)).status).toBe(401);
    const user = await passwordToken(emulator, 'jsmith');
    const denied = await getJson(`${emulator.url}/cc/api/applications`, user);
    expect(denied.status).toBe(403);
  });

  it('walks a package through every wizard step to a working, then disabled, then deleted application', async () => {
    const uploaded = await uploadPackage(packageZip());
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.data).toMatchObject({
      client_id: 'publisher-app',
      name: 'Syncly Publisher',
      publisher: 'Example LLP',
      enabled: false,
      client_secret: null,
      access_token_minutes: 30,
      refresh_token_days: 365,
      settings: { host: '', team: 'litigation' },
      package_files: ['web/index.html'],
    });
    const base = `${emulator.url}/cc/api/applications/publisher-app`;

    const renamed = await sendJson('PATCH', `${base}/configuration`, adminToken, { name: 'Publisher' });
    expect(renamed.body.data.name).toBe('Publisher');

    const secret = await getJson(`${base}/client-secret`, adminToken, { method: 'POST' });
    const clientSecret: string = secret.body.data.client_secret;
    expect(clientSecret.length).toBeGreaterThan(20);

    const badAuth = await sendJson('PUT', `${base}/authentication`, adminToken, {
      application_type: 'web',
      redirect_urls: ['not a url'],
      allow_refresh_token: true,
      access_token_minutes: 30,
      refresh_token_days: 365,
    });
    expect(badAuth.status).toBe(400);
    const auth = await sendJson('PUT', `${base}/authentication`, adminToken, {
      application_type: 'web',
      redirect_urls: [REDIRECT_URI],
      allow_refresh_token: true,
      rotate_refresh_token: true,
      access_token_minutes: 10,
      refresh_token_days: 30,
    });
    expect(auth.body.data).toMatchObject({
      allow_refresh_token: true,
      rotate_refresh_token: true,
      access_token_minutes: 10,
    });

    const access = await sendJson('PUT', `${base}/access`, adminToken, { mode: 'users', users: ['jsmith'] });
    expect(access.body.data.access).toEqual({ mode: 'users', users: ['jsmith'] });
    expect(
      (await sendJson('PUT', `${base}/access`, adminToken, { mode: 'users', users: ['ghost'] })).status,
    ).toBe(400);

    const blocked = await getJson(`${base}/enable`, adminToken, { method: 'POST' });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.message).toContain('Lexbridge address');
    expect((await sendJson('PUT', `${base}/settings`, adminToken, { host: '' })).status).toBe(400);
    const settings = await sendJson('PUT', `${base}/settings`, adminToken, {
      host: 'https://lexbridge.example',
    });
    expect(settings.body.data.settings).toEqual({ host: 'https://lexbridge.example', team: 'litigation' });

    const enabled = await getJson(`${base}/enable`, adminToken, { method: 'POST' });
    expect(enabled.body.data.enabled).toBe(true);

    const grant = (username: string, password: string) =>
      tokenRequest(emulator, {
        grant_type: 'password',
        username,
        password,
        client_id: 'publisher-app',
        client_secret: clientSecret,
      });
    const issued = await grant('jsmith', 'password');
    expect(issued.status).toBe(200);
    expect(issued.body.expires_in).toBe(600);
    expect((await grant('ajones', 'password')).body.error).toBe('invalid_grant');

    const token = issued.body.access_token as string;
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(200);
    await getJson(`${base}/disable`, adminToken, { method: 'POST' });
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(401);
    expect((await grant('jsmith', 'password')).body.error).toBe('unauthorized_client');
    await getJson(`${base}/enable`, adminToken, { method: 'POST' });
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(200);

    expect((await getJson(base, adminToken, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(401);
    expect((await grant('jsmith', 'password')).status).toBe(401);
    expect((await getJson(base, adminToken)).status).toBe(404);
  });

  it('rejects packages without a manifest, with an invalid one, or with a duplicate client id', async () => {
    const noManifest = await uploadPackage(zipSync({ 'readme.txt': strToU8('hi') }));
    expect(noManifest.status).toBe(400);
    expect(noManifest.body.error.code).toBe('InvalidPackage');
    const invalid = await uploadPackage(packageZip('schema_version: 1\nname: X\nredirect_urls: [ftp://x]\n'));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'InvalidManifest' });
    expect(invalid.body.error.message).toContain('redirect_urls.0');
    const notZip = await uploadPackage(strToU8('not a zip'));
    expect(notZip.status).toBe(400);
    const nested = await uploadPackage(
      zipSync({ 'pkg/manifest.yaml': strToU8(MANIFEST.replace('publisher-app', 'nested-app')) }),
    );
    expect(nested.status).toBe(201);
    expect(
      (
        await uploadPackage(
          zipSync({ 'pkg/manifest.yaml': strToU8(MANIFEST.replace('publisher-app', 'nested-app')) }),
        )
      ).status,
    ).toBe(409);
  });

  it('creates an application by hand with a generated client id', async () => {
    const created = await sendJson('POST', `${emulator.url}/cc/api/applications`, adminToken, {
      name: 'Manual',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.client_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Control Center pages', () => {
  it('sends a signed-out browser to sign in, and refuses non-administrators', async () => {
    const signedOut = await fetch(`${emulator.url}/cc`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/auth/sign-in?return_to=%2Fcc');
    const cookie = await signIn('jsmith', 'password');
    const denied = await fetch(`${emulator.url}/cc`, { headers: { cookie } });
    expect(denied.status).toBe(403);
  });

  it('runs the Add Application wizard through HTML forms', async () => {
    const cookie = await signIn('admin', 'admin');
    const list = await (await fetch(`${emulator.url}/cc`, { headers: { cookie } })).text();
    expect(list).toContain('>Add Application</button>');
    const newPage = await (
      await fetch(`${emulator.url}/cc/applications/new`, { headers: { cookie } })
    ).text();
    expect(newPage).toContain('<label for="package">Upload Package</label>');

    const form = new FormData();
    form.append(
      'package',
      new Blob([Buffer.from(packageZip(MANIFEST.replace('publisher-app', 'html-app')))]),
      'app.zip',
    );
    const upload = await fetch(`${emulator.url}/cc/applications/upload`, {
      method: 'POST',
      body: form,
      headers: { cookie },
      redirect: 'manual',
    });
    expect(upload.status).toBe(303);
    expect(upload.headers.get('location')).toBe('/cc/applications/html-app/configuration');

    const post = (step: string, fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
      return fetch(`${emulator.url}/cc/applications/html-app/${step}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    };
    const page = async (step: string) =>
      (await fetch(`${emulator.url}/cc/applications/html-app/${step}`, { headers: { cookie } })).text();

    expect(await page('configuration')).toContain('value="html-app" readonly');
    expect(
      (await post('configuration', { name: 'HTML App', description: 'd' })).headers.get('location'),
    ).toBe('/cc/applications/html-app/authentication');
    const authPage = await page('authentication');
    for (const label of [
      'Redirect URL',
      'Allow refresh token',
      'Access token idle minutes',
      'Refresh token days',
      'Rotate refresh tokens',
    ]) {
      expect(authPage).toContain(`>${label}</label>`);
    }
    expect(authPage).toContain('>Generate client secret</button>');
    expect(authPage).toContain('value="30"');
    expect(authPage).toContain('value="365"');
    const authFields = {
      application_type: 'web',
      redirect_urls: REDIRECT_URI,
      allow_refresh_token: 'on',
      access_token_minutes: '30',
      refresh_token_days: '365',
    };
    const generated = await post('authentication', { ...authFields, action: 'generate_secret' });
    expect(generated.headers.get('location')).toBe('/cc/applications/html-app/authentication');
    const secret = emulator.store.applications.get('html-app')?.client_secret;
    expect(secret).toBeTruthy();
    expect(await page('authentication')).toContain(
      `<output id="client-secret" aria-live="polite">${secret}</output>`,
    );
    const invalid = await post('authentication', { ...authFields, redirect_urls: '', action: 'next' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('At least one Redirect URL is required');
    expect((await post('authentication', { ...authFields, action: 'next' })).headers.get('location')).toBe(
      '/cc/applications/html-app/access',
    );
    expect(await page('access')).toContain('>All users</label>');
    expect((await post('access', { mode: 'users', users: ['jsmith', 'ajones'] })).status).toBe(303);
    expect(emulator.store.applications.get('html-app')?.access).toEqual({
      mode: 'users',
      users: ['jsmith', 'ajones'],
    });
    expect(await page('settings')).toContain('>Lexbridge address (required)</label>');
    expect(
      (await post('settings', { setting_host: 'https://lex.example', setting_team: 'corporate' })).status,
    ).toBe(303);
    const review = await page('review');
    expect(review).toContain('>Enable Application</label>');
    expect(review).toContain('>Finish</button>');
    const finish = await post('review', { enabled: 'on' });
    expect(finish.headers.get('location')).toContain('/cc?notice=');
    const app = emulator.store.applications.get('html-app');
    expect(app).toMatchObject({
      name: 'HTML App',
      enabled: true,
      allow_refresh_token: true,
      settings: { host: 'https://lex.example', team: 'corporate' },
    });

    const listed = await (await fetch(`${emulator.url}/cc`, { headers: { cookie } })).text();
    expect(listed).toMatch(/HTML App<\/a><\/th>[\s\S]*?Enabled[\s\S]*?>Disable<\/button>/);
    const disable = await fetch(`${emulator.url}/cc/applications/html-app/disable`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    expect(disable.status).toBe(303);
    expect(emulator.store.applications.get('html-app')?.enabled).toBe(false);
    await fetch(`${emulator.url}/cc/applications/html-app/delete`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    expect(emulator.store.applications.has('html-app')).toBe(false);
  });
});

import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImanageManifest } from '../../../contracts/src/imanage-manifest.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { authoriseThroughEmulator, createImanageConnector, usePublicUrl } from './support.ts';

/** The seed end to end: the package goes into Control Center, the application is finished there, and a user authorises with it. */
let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;

beforeAll(async () => {
  server = await startTestServer({ env: { LEXBRIDGE_EGRESS_IPS: '198.51.100.4' } });
  usePublicUrl(server);
  emulator = await startEmulator({ port: 0, seed: 2 });
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

async function download(flavour: string, who: SignedIn = admin): Promise<Response> {
  return fetch(`${server.url}/api/integrations/imanage/package?flavour=${flavour}`, {
    headers: { cookie: who.cookie },
  });
}

async function controlCenterSession(): Promise<string> {
  const res = await fetch(`${emulator.url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: 'admin', return_to: '/cc' }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('the iManage extension package', () => {
  it('gives the Control Center values to admins only', async () => {
    const res = await fetch(`${server.url}/api/integrations/imanage/setup`, {
      headers: { cookie: admin.cookie },
    });
    expect(await res.json()).toEqual({
      redirectUrl: `${server.url}/api/connectors/authorised`,
      lexbridgeHost: server.url,
      publishUrl: `${server.url}/publish`,
      egressIps: ['198.51.100.4'],
      packages: [
        { flavour: 'on-premises', url: `${server.url}/api/integrations/imanage/package?flavour=on-premises` },
        {
          flavour: 'classic-cloud',
          url: `${server.url}/api/integrations/imanage/package?flavour=classic-cloud`,
        },
      ],
    });
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    expect((await download('on-premises', user)).status).toBe(403);
    expect(
      (await fetch(`${server.url}/api/integrations/imanage/setup`, { headers: { cookie: user.cookie } }))
        .status,
    ).toBe(403);
    expect((await download('sideways')).status).toBe(400);
  });

  it('is a ZIP whose manifest is prefilled for this server', async () => {
    for (const flavour of ['on-premises', 'classic-cloud']) {
      const res = await download(flavour);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toContain(`lexbridge-imanage-${flavour}.zip`);
      const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
      const manifest = parseImanageManifest(strFromU8(files['manifest.yaml']!));
      expect(manifest.redirect_urls).toEqual([`${server.url}/api/connectors/authorised`]);
      expect(manifest.allow_refresh_token).toBe(true);
      // Safer defaults: rotating refresh tokens that lapse after 90 unused days (was 365, no rotation).
      expect(manifest.rotate_refresh_token).toBe(true);
      expect(manifest.refresh_token_days).toBe(90);
      expect(manifest.settings.map((s) => [s.key, s.label])).toEqual([
        ['lexbridge_host', 'Lexbridge host'],
        ['imanage_server_url', 'iManage server URL'],
      ]);
      expect(manifest.settings[0]!.default).toBe(server.url);
      expect(manifest.context_menu).toEqual([
        {
          id: 'lexbridge.publish',
          label: 'Publish with Lexbridge',
          url: '{settings.lexbridge_host}/publish',
          targets: ['document', 'folder'],
          multi_select: true,
          open_in: 'new_tab',
        },
      ]);
      if (flavour === 'classic-cloud') expect(manifest.settings[1]!.default).toBe('https://cloudimanage.com');
    }
  });

  it("is accepted by Control Center's Upload Package, and the finished application authorises a user", async () => {
    const cookie = await controlCenterSession();
    const zip = Buffer.from(await (await download('on-premises')).arrayBuffer());
    const uploaded = await fetch(`${emulator.url}/cc/api/applications/package`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/zip' },
      body: zip,
    });
    const body = (await uploaded.json()) as { data: Record<string, unknown> };
    expect(uploaded.status).toBe(201);
    expect(body.data).toMatchObject({
      name: 'Lexbridge',
      redirect_urls: [`${server.url}/api/connectors/authorised`],
      allow_refresh_token: true,
      context_menu: [expect.objectContaining({ label: 'Publish with Lexbridge' })],
    });
    const clientId = body.data.client_id as string;
    const cc = (path: string, method: string, json?: unknown) =>
      fetch(`${emulator.url}/cc/api/applications/${clientId}${path}`, {
        method,
        headers: { cookie, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      });
    const secret = (
      (await (await cc('/client-secret', 'POST')).json()) as { data: { client_secret: string } }
    ).data.client_secret;
    expect((await cc('/settings', 'PUT', { imanage_server_url: emulator.url })).status).toBe(200);
    expect((await cc('/enable', 'POST')).status).toBe(200);

    const { id } = await createImanageConnector(server, admin, emulator, { clientId, secretKey: secret });
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const trip = await authoriseThroughEmulator(server, user, id);
    expect(trip.landing).toBe(`/connectors?authorised=${id}`);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hiddenFields } from '../connectors/support.ts';
import { waitFor } from './capture.ts';
import { killAll, type LexbridgeProcess, spawnLexbridge } from './processes.ts';

// `npm start` runs `lexbridge start` (after building the web app once): the server with its workers on
// the embedded database, plus the iManage and Microsoft Graph emulators and the embedded identity
// provider. It must come up, answer, keep the emulators' state across a restart (tokens issued before
// still work after), explain a port that is taken, and stop cleanly.
let dataDir: string;
let otherDataDir: string;
let env: Record<string, string>;
let start: LexbridgeProcess;

const tenant = '5f1c8a9e-3b7d-4c2a-9e6f-1a2b3c4d5e6f';
const graphApp = {
  clientId: '3c9f1e2a-7b4d-4e8a-9c6b-0d1e2f3a4b5c',
  secret: 'Lxb8Q~EmulatorDemoSecretValue.0123456789',
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function bannerOf(p: LexbridgeProcess): Promise<string> {
  await waitFor(
    'the start-up banner',
    async () => {
      if (p.child.exitCode !== null) throw new Error(`lexbridge start exited:\n${p.stdout()}\n${p.stderr()}`);
      return /Stop with Ctrl\+C/.test(p.stderr()) || undefined;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
  });
  return p.stderr();
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function tokenAt(url: string, fields: Record<string, string>) {
  const res = await fetch(url, form(fields));
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Signs alex.wilber in at the Graph emulator for this Lexbridge's callback, as a browser would. */
async function graphSignIn(graphUrl: string, lexbridgeUrl: string) {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${lexbridgeUrl}/api/connectors/authorised`;
  const authorize = `${graphUrl}/${tenant}/oauth2/v2.0/authorize`;
  const query = new URLSearchParams({
    client_id: graphApp.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'https://graph.microsoft.com/.default offline_access',
    state: 'start-local',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const page = await fetch(`${authorize}?${query}`);
  const html = await page.text();
  expect(page.status, html).toBe(200);
  const posted = await fetch(authorize, {
    ...form({ ...hiddenFields(html), login: 'alex.wilber@contoso.onmicrosoft.com', passwd: 'Passw0rd!' }),
    redirect: 'manual',
  });
  const location = new URL(posted.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return tokenAt(`${graphUrl}/${tenant}/oauth2/v2.0/token`, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    code_verifier: verifier,
    client_id: graphApp.clientId,
    client_secret: graphApp.secret,
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-start-'));
  otherDataDir = await mkdtemp(join(tmpdir(), 'lexbridge-start-other-'));
  env = {
    LEXBRIDGE_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    LEXBRIDGE_EMULATOR_PORT: String(await freePort()),
    LEXBRIDGE_GRAPH_EMULATOR_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  start = spawnLexbridge(['start'], env);
});

afterAll(async () => {
  await killAll();
  await rm(dataDir, { recursive: true, force: true });
  await rm(otherDataDir, { recursive: true, force: true });
});

const lexbridgeUrl = () => `http://localhost:${env.PORT}`;
const imanageUrl = () => `http://127.0.0.1:${env.LEXBRIDGE_EMULATOR_PORT}`;
const graphUrl = () => `http://127.0.0.1:${env.LEXBRIDGE_GRAPH_EMULATOR_PORT}`;
const saved: { imanageRefresh?: string; graphRefresh?: string; fileId?: string } = {};

it('`lexbridge start` comes up on the embedded database, prints where, and is ready', {
  timeout: 90_000,
}, async () => {
  const out = await bannerOf(start);
  expect(out).toContain(`Lexbridge is running at ${lexbridgeUrl()}`);
  expect(out).toContain(`embedded, in ${dataDir}`);
  // The log stays JSON lines on standard output, the banner for people on standard error.
  const stdout = start
    .stdout()
    .split('\n')
    .filter((l) => l.trim() !== '');
  expect(stdout.length).toBeGreaterThan(0);
  for (const line of stdout) expect(() => JSON.parse(line), line).not.toThrow();
  expect(start.stdout()).not.toContain('Stop with Ctrl+C');
  const res = await fetch(`${lexbridgeUrl()}/readyz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ready' });
});

it('bundles an iManage emulator with the demo application registered, as the banner tells', async () => {
  const out = start.stderr();
  expect(out).toContain(`iManage emulator:        ${imanageUrl()}`);
  expect(out).toContain('Client Id lexbridge-demo, Secret Key lexbridge-demo-secret');
  expect(out).toContain(`Local folders may be used under ${join(dataDir, 'folders')}`);
  const token = await tokenAt(`${imanageUrl()}/auth/oauth2/token`, {
    grant_type: 'password',
    username: 'jsmith',
    password: 'password',
    client_id: 'lexbridge-demo',
    client_secret: 'lexbridge-demo-secret',
    scope: 'user',
  });
  expect(token.status).toBe(200);
  saved.imanageRefresh = token.body.refresh_token;
  expect(saved.imanageRefresh).toBeTruthy();
});

it('bundles a Graph emulator over http whose demo app sends people back to this Lexbridge, with the SharePoint fields in the banner', async () => {
  const out = start.stderr();
  expect(out).toContain(`Microsoft Graph emulator: ${graphUrl()}`);
  expect(out).toContain(`Client Id ${graphApp.clientId}, Secret Key ${graphApp.secret}`);
  expect(out).toContain(`Tenant ID ${tenant}`);
  expect(out).toContain(`Sign-in host ${graphUrl()}, Graph host ${graphUrl()}`);
  const token = await graphSignIn(graphUrl(), lexbridgeUrl());
  expect(token.status, JSON.stringify(token.body)).toBe(200);
  saved.graphRefresh = token.body.refresh_token;
  const upload = await fetch(`${graphUrl()}/v1.0/me/drive/root:/kept across restarts.txt:/content`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token.body.access_token}` },
    body: 'still here',
  });
  expect(upload.status).toBe(201);
  saved.fileId = ((await upload.json()) as { id: string }).id;
});

it('a second start whose emulator ports are taken says which port and which variable to change, and runs without them', {
  timeout: 90_000,
}, async () => {
  const other = spawnLexbridge(['start'], { ...env, LEXBRIDGE_DATA_DIR: otherDataDir, PORT: '0' });
  const out = await bannerOf(other);
  expect(out).toContain(
    `iManage emulator: not started — port ${env.LEXBRIDGE_EMULATOR_PORT} is already in use`,
  );
  expect(out).toContain(
    `Microsoft Graph emulator: not started — port ${env.LEXBRIDGE_GRAPH_EMULATOR_PORT} is already in use`,
  );
  expect(out).toContain('LEXBRIDGE_EMULATOR_PORT=');
  expect(out).toContain('LEXBRIDGE_GRAPH_EMULATOR_PORT=');
  const url = /Lexbridge is running at (http:\/\/\S+)/.exec(out)?.[1];
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  expect(await other.stop()).toBe(0);
});

it('after a restart both emulators still know what they knew: tokens issued before work, the file is there', {
  timeout: 90_000,
}, async () => {
  expect(await start.stop()).toBe(0);
  start = spawnLexbridge(['start'], env);
  await bannerOf(start);
  const imanage = await tokenAt(`${imanageUrl()}/auth/oauth2/token`, {
    grant_type: 'refresh_token',
    refresh_token: saved.imanageRefresh ?? '',
    client_id: 'lexbridge-demo',
    client_secret: 'lexbridge-demo-secret',
  });
  expect(imanage.status, JSON.stringify(imanage.body)).toBe(200);
  const graph = await tokenAt(`${graphUrl()}/${tenant}/oauth2/v2.0/token`, {
    grant_type: 'refresh_token',
    refresh_token: saved.graphRefresh ?? '',
    client_id: graphApp.clientId,
    client_secret: graphApp.secret,
  });
  expect(graph.status, JSON.stringify(graph.body)).toBe(200);
  const item = await fetch(`${graphUrl()}/v1.0/me/drive/items/${saved.fileId}`, {
    headers: { authorization: `Bearer ${graph.body.access_token}` },
  });
  expect(item.status).toBe(200);
  expect(await item.json()).toMatchObject({ name: 'kept across restarts.txt', size: 10 });
});

it('stops on SIGTERM with status 0', async () => {
  expect(await start.stop()).toBe(0);
});

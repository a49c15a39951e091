/**
 * Shared set-up of the SharePoint benchmarks: the workflow benchmarks' Lexbridge and iManage emulator
 * (bench/workflows-setup.ts), plus the Microsoft Graph emulator in a process of its own (plain http,
 * as `npm start` runs it), a SharePoint connector the bench user authorised as alex.wilber through
 * the real sign-in page, and a Graph token for plain scripts from the same authorization-code flow.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { driveItemId } from '../packages/server/src/connectors/sharepoint/drive-item.ts';
import { createSession, sessionCookieName } from '../packages/server/src/identity/sessions.ts';
import type { BenchSetup } from './workflows-setup.ts';

const tenant = '5f1c8a9e-3b7d-4c2a-9e6f-1a2b3c4d5e6f';
const app = {
  clientId: '3c9f1e2a-7b4d-4e8a-9c6b-0d1e2f3a4b5c',
  secret: 'Lxb8Q~EmulatorDemoSecretValue.0123456789',
};
const login = { login: 'alex.wilber@contoso.onmicrosoft.com', passwd: 'Passw0rd!' };

export interface GraphBench {
  /** e.g. http://127.0.0.1:40123/v1.0 */
  graphUrl: string;
  sharepointId: string;
  /** An access token of alex.wilber for plain scripts. */
  plainToken: string;
  /** A new folder in alex's OneDrive: its Graph ids and the connector's location id. */
  newFolder(name: string): Promise<{ driveId: string; itemId: string; locationId: string }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const hiddenFields = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    ]),
  );

/** The sign-in page filled in as alex; returns where Entra sends the browser back (with the code). */
async function signInAt(authorizeUrl: string): Promise<URL> {
  const form = await (await fetch(authorizeUrl)).text();
  const posted = await fetch(authorizeUrl.split('?')[0]!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenFields(form), ...login }),
    redirect: 'manual',
  });
  const back = posted.headers.get('location');
  if (posted.status !== 302 || !back) throw new Error(`Graph sign-in answered ${posted.status}`);
  return new URL(back);
}

async function plainTokenFor(mainUrl: string, redirectUri: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'https://graph.microsoft.com/.default offline_access',
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const back = await signInAt(`${mainUrl}/${tenant}/oauth2/v2.0/authorize?${query}`);
  const res = await fetch(`${mainUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: app.clientId,
      client_secret: app.secret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function startGraphProcess(port: number, redirectUri: string): Promise<ChildProcess> {
  const cli = fileURLToPath(new URL('../packages/graph-emulator/src/cli.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--port', String(port), '--http', '--redirect-uri', redirectUri],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Microsoft Graph emulator listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the Graph emulator process exited (${code})`)));
  });
  return child;
}

export async function addGraph(setup: BenchSetup): Promise<GraphBench> {
  const serverUrl = setup.lexbridge.config.publicUrl;
  const redirectUri = `${serverUrl}/api/connectors/authorised`;
  const port = await freePort();
  const child = await startGraphProcess(port, redirectUri);
  const mainUrl = `http://127.0.0.1:${port}`;
  const graphUrl = `${mainUrl}/v1.0`;

  const session = await createSession(setup.lexbridge.store.db, setup.userId, {
    idleMinutes: 600,
    absoluteHours: 12,
  });
  const cookie = `${sessionCookieName}=${session.token}`;
  const created = await fetch(`${serverUrl}/api/connectors`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'sharepoint',
      name: 'SharePoint (emulator)',
      config: {
        clientId: app.clientId,
        secretKey: app.secret,
        tenantId: tenant,
        signInHost: mainUrl,
        graphHost: mainUrl,
      },
    }),
  });
  if (created.status !== 201) throw new Error(`create connector: ${created.status} ${await created.text()}`);
  const sharepointId = ((await created.json()) as { id: string }).id;
  const start = await fetch(`${serverUrl}/api/connectors/${sharepointId}/authorise`, {
    headers: { cookie },
    redirect: 'manual',
  });
  const back = await signInAt(start.headers.get('location') ?? '');
  const done = await fetch(back, { headers: { cookie }, redirect: 'manual' });
  if (!done.headers.get('location')?.includes(`authorised=${sharepointId}`))
    throw new Error(`SharePoint callback: ${done.status} ${done.headers.get('location')}`);

  const plainToken = await plainTokenFor(mainUrl, redirectUri);
  return {
    graphUrl,
    sharepointId,
    plainToken,
    async newFolder(name) {
      const res = await fetch(`${graphUrl}/me/drive/root/children`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plainToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'rename' }),
      });
      const item = (await res.json()) as { id: string; parentReference: { driveId: string } };
      if (res.status !== 201) throw new Error(`new folder: ${res.status} ${JSON.stringify(item)}`);
      const driveId = item.parentReference.driveId;
      return { driveId, itemId: item.id, locationId: driveItemId(driveId, item.id) };
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

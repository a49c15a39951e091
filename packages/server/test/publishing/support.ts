import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import type { SignedIn, TestServer } from '../support/lexbridge.ts';

/** Signs in to the emulator's pages (Control Center for admin, the Work web view for anyone). */
export async function emulatorSession(
  emulator: RunningEmulator,
  username: string,
  password: string,
): Promise<string> {
  const res = await fetch(`${emulator.url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`emulator sign-in answered ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** The context-menu entries (label → href) of one row of a Work web view page. */
export async function contextMenuOf(
  emulator: RunningEmulator,
  cookie: string,
  pagePath: string,
  itemId: string,
): Promise<Record<string, string>> {
  const page = await (await fetch(`${emulator.url}${pagePath}`, { headers: { cookie } })).text();
  const row = page.split('<tr data-item-id=').find((chunk) => chunk.startsWith(`"${itemId}"`));
  if (!row) throw new Error(`no row for ${itemId} on ${pagePath}`);
  const items: Record<string, string> = {};
  for (const match of row.matchAll(/role="menuitem"[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g))
    items[match[2]!] = match[1]!.replaceAll('&amp;', '&');
  return items;
}

/**
 * Puts Lexbridge's own extension package into Control Center as an administrator would: upload,
 * generate the secret, fill the iManage server URL, enable. Returns the client id and secret.
 */
export async function installExtensionPackage(
  server: TestServer,
  admin: SignedIn,
  emulator: RunningEmulator,
): Promise<{
  clientId: string;
  secret: string;
  cc(path: string, method: string, json?: unknown): Promise<Response>;
}> {
  const zip = Buffer.from(
    await (
      await fetch(`${server.url}/api/integrations/imanage/package?flavour=on-premises`, {
        headers: { cookie: admin.cookie },
      })
    ).arrayBuffer(),
  );
  const cookie = await emulatorSession(emulator, 'admin', 'admin');
  const uploaded = await fetch(`${emulator.url}/cc/api/applications/package`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/zip' },
    body: zip,
  });
  if (uploaded.status !== 201)
    throw new Error(`upload answered ${uploaded.status}: ${await uploaded.text()}`);
  const clientId = ((await uploaded.json()) as { data: { client_id: string } }).data.client_id;
  const cc = (path: string, method: string, json?: unknown) =>
    fetch(`${emulator.url}/cc/api/applications/${clientId}${path}`, {
      method,
      headers: { cookie, ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(json) } : {}),
    });
  const secret = ((await (await cc('/client-secret', 'POST')).json()) as { data: { client_secret: string } })
    .data.client_secret;
  await cc('/settings', 'PUT', { imanage_server_url: emulator.url });
  const enabled = await cc('/enable', 'POST');
  if (enabled.status !== 200) throw new Error(`enable answered ${enabled.status}: ${await enabled.text()}`);
  return { clientId, secret, cc };
}

/** Every file under a folder: relative path → sha256 of its bytes. */
export async function filesUnder(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(base, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(base.length + 1)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}

/** Polls a publish until it finishes (bounded: the test fails rather than hangs). */
export async function waitForPublish(
  server: TestServer,
  who: SignedIn,
  runId: string,
): Promise<Record<string, any>> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const res = await fetch(`${server.url}/api/publish/runs/${runId}`, { headers: { cookie: who.cookie } });
    const body = (await res.json()) as Record<string, any>;
    if (res.status !== 200) throw new Error(`run answered ${res.status}: ${JSON.stringify(body)}`);
    if (!['queued', 'running'].includes(body.run.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the publish did not finish within 600 polls');
}

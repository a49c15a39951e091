/** State kept on disk: a restarted emulator keeps applications, documents, tokens and sessions. */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../src/cli.ts';
import {
  apiBase,
  getJson,
  passwordToken,
  sendJson,
  startTestEmulator,
  TEST_APP,
  tokenRequest,
  uploadForm,
} from './helpers.ts';

describe('state file', () => {
  it('survives a restart: applications, uploads, folders, access and refresh tokens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
    const stateFile = join(dir, 'imanage', 'state.json');
    const first = await startTestEmulator({ stateFile, content: { workspaces: 2 } });
    const documents = first.store.documents.size;
    const admin = await passwordToken(first, 'admin', 'admin');
    const registered = await sendJson('POST', `${first.url}/cc/api/applications`, admin, {
      name: 'Registered in Control Center',
      client_id: 'cc-app',
    });
    expect(registered.status).toBe(201);
    const grant = await tokenRequest(first, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret ?? '',
    });
    const { access_token: access, refresh_token: refresh } = grant.body as Record<string, string>;
    const workspace = first.store.workspacesIn('ACTIVE')[0]?.id as string;
    const folder = await sendJson('POST', `${apiBase(first)}/workspaces/${workspace}/folders`, access, {
      name: 'Kept folder',
    });
    const uploaded = await getJson(`${apiBase(first)}/folders/${folder.body.data.id}/documents`, access, {
      method: 'POST',
      body: uploadForm({ name: 'Kept', extension: 'txt', size: 10 }, 'kept bytes', 'Kept.txt'),
    });
    expect(uploaded.status).toBe(201);
    await first.close();
    expect((await stat(stateFile)).mode & 0o077).toBe(0);

    const second = await startTestEmulator({ stateFile, content: { workspaces: 2 } });
    try {
      expect(second.store.documents.size).toBe(documents + 1);
      expect(second.store.applications.get('cc-app')?.name).toBe('Registered in Control Center');
      expect((await getJson(`${second.url}/api`, access)).status).toBe(200);
      const download = await fetch(`${apiBase(second)}/documents/${uploaded.body.data.id}/download`, {
        headers: { 'x-auth-token': access },
      });
      expect(await download.text()).toBe('kept bytes');
      const children = await getJson(`${apiBase(second)}/workspaces/${workspace}/children`, access);
      expect(children.body.data.map((f: { name: string }) => f.name)).toContain('Kept folder');
      const refreshed = await tokenRequest(second, {
        grant_type: 'refresh_token',
        refresh_token: refresh ?? '',
        client_id: TEST_APP.client_id,
        client_secret: TEST_APP.client_secret ?? '',
      });
      expect(refreshed.status).toBe(200);
      const saved = JSON.parse(await readFile(stateFile, 'utf8'));
      expect(saved).toMatchObject({ format: 'lexbridge-imanage-emulator-state', version: 1 });
    } finally {
      await second.close();
    }
  });

  it('is saved shortly after a change, before close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
    const stateFile = join(dir, 'state.json');
    const emulator = await startTestEmulator({ stateFile, content: { workspaces: 1 } });
    try {
      await passwordToken(emulator);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const saved = JSON.parse(await readFile(stateFile, 'utf8'));
      expect(saved.tokens.access).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it('is chosen with --state', async () => {
    expect(await parseEmulatorArgs(['--state', '/var/lib/emulator/state.json'])).toMatchObject({
      stateFile: '/var/lib/emulator/state.json',
    });
  });
});

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotter, signInAsPerson, signInAtIManage } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 14's outage, as a person sees it: a Copy from iManage into a local folder whose iManage (the
// emulator, its state in a file) stops in the middle. The run page says "Waiting for iManage" with
// the reason and, behind Details, the technical cause; once iManage is back the run finishes.

const admin: TestPerson = {
  username: 'cara',
  password: 'cara-password-1',
  name: 'Cara Admin',
  email: 'cara@firm.example',
  roles: ['Connector.Admin'],
};

async function filesUnder(base: string): Promise<number> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
}

describe('a run waiting for a system that stopped answering', () => {
  const app = useBrowserLexbridge({ people: [admin], logName: 'run-waiting', localFolders: true });
  let emulator: RunningEmulator;
  let page: Page;
  let port = 0;
  const shot = screenshotter('run-waiting');

  const startIManage = async () => {
    emulator = await startEmulator({
      port,
      seed: 5,
      stateFile: join(app.root, 'emulator.json'),
      faults: { latencyMs: 150 },
      users: [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
      apps: [
        {
          client_id: 'lexbridge-e2e',
          client_secret: 'e2e-secret-key-1234',
          name: 'Lexbridge',
          redirect_urls: [`${app.url}/api/connectors/authorised`],
          allow_refresh_token: true,
        },
      ],
    });
    port = Number(new URL(emulator.url).port);
  };

  beforeAll(async () => {
    await startIManage();
    page = await app.newPage({ timeout: 20_000 });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('shows "Waiting for iManage" with the reason and Details, then finishes once iManage answers', async () => {
    await page.goto(`${app.url}/connectors`);
    await signInAsPerson(page, admin);
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();

    await page.getByRole('button', { name: 'Add iManage connector' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('iManage');
    await dialog.getByLabel('Client Id').fill('lexbridge-e2e');
    await dialog.getByLabel('Secret Key').fill('e2e-secret-key-1234');
    await dialog.getByLabel('Server Address').fill(emulator.url);
    await dialog.getByRole('button', { name: 'Authorise' }).click();
    await signInAtIManage(page, emulator.url, app.url);

    // The rest through the API, as the wizard would: a local folder, then a Copy started now.
    const me = await (await page.request.get(`${app.url}/api/me`)).json();
    const headers = { 'x-csrf-token': me.csrfToken as string };
    const connectors = await (await page.request.get(`${app.url}/api/connectors`)).json();
    const imanage = (connectors.connectors as { id: string; name: string }[]).find(
      (c) => c.name === 'iManage',
    )!;
    const target = join(app.root, 'copies');
    await mkdir(target);
    const local = await page.request.post(`${app.url}/api/connectors`, {
      headers,
      data: { type: 'local-folder', name: 'Copies', config: { path: app.root } },
    });
    expect(local.status()).toBe(201);
    const created = await page.request.post(`${app.url}/api/workflows`, {
      headers,
      data: {
        name: 'Matter copy',
        type: 'copy',
        source: { connectorId: imanage.id, id: emulator.store.workspacesIn('ACTIVE')[0]!.id },
        target: { connectorId: (await local.json()).id, id: 'copies' },
        startNow: true,
      },
    });
    expect(created.status()).toBe(201);
    const workflow = await created.json();
    await page.goto(`${app.url}/workflows/${workflow.id}/runs/${workflow.lastRun.id}`);

    for (let polls = 0; polls < 600 && (await filesUnder(target)) < 3; polls++)
      await new Promise((r) => setTimeout(r, 50));
    await emulator.close();

    const status = page.getByTestId('run-status');
    await status.getByText('Waiting for iManage').waitFor({ timeout: 60_000 });
    const waiting = page.getByTestId('run-waiting');
    await waiting.getByText(/^iManage is not answering/).waitFor();
    expect(await page.getByTestId('count-failed').textContent()).toBe('0');
    await shot(page, 'waiting');
    await waiting.getByRole('button', { name: 'Details' }).click();
    await waiting.getByText(/ECONNREFUSED/).waitFor();
    await shot(page, 'waiting-details');

    await startIManage();
    await status.getByText('Succeeded').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('count-failed').textContent()).toBe('0');
    await shot(page, 'succeeded');
  }, 300_000);
});

import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotter, signInAtIManage } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import { freePort as closedPort, type TestPerson } from './support/lexbridge-process.ts';

// What the Connectors page says about a connection follows what Lexbridge last learnt: a connection
// whose tokens iManage revoked turns from "Authorised as …" into "Expired" (reason and time) once a
// Test finds out, and stays so after a reload.

const connectorAdmin: TestPerson = {
  username: 'cora',
  password: 'cora-password-1',
  name: 'Cora Admin',
  email: 'cora@firm.example',
  roles: ['Connector.Admin'],
};
const user: TestPerson = {
  username: 'ursula',
  password: 'ursula-password-1',
  name: 'Ursula User',
  email: 'ursula@firm.example',
  roles: ['User'],
};
const statusPeople = [connectorAdmin, user];
const clientId = 'lexbridge-status-test';
const clientSecret = 'status-test-secret-value';

describe('connection status in the browser', () => {
  const app = useBrowserLexbridge({ people: statusPeople, logName: 'connector-status' });
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      seed: 3,
      apps: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          name: 'Lexbridge',
          redirect_urls: [`${app.url}/api/connectors/authorised`],
          allow_refresh_token: true,
        },
      ],
    });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const signedIn = (person: TestPerson) =>
    app.signedInPage(person, '/connectors', { viewport: { width: 1280, height: 860 } });

  /** Adds a connector through the API with the page's session (cookie and CSRF token). */
  async function addConnector(page: Page, name: string, config: Record<string, unknown>): Promise<string> {
    const me = (await (await page.request.get(`${app.url}/api/me`)).json()) as { csrfToken: string };
    const res = await page.request.post(`${app.url}/api/connectors`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { type: 'imanage-onprem', name, config: { scope: 'user', refreshToken: true, ...config } },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('shows a revoked authorisation as Expired, with the reason and time, after a Test and a reload', async () => {
    const shot = screenshotter('status');
    const admin = await signedIn(connectorAdmin);
    await addConnector(admin, 'iManage Status', {
      clientId,
      secretKey: clientSecret,
      serverAddress: emulator.url,
    });
    await admin.context().close();

    const page = await signedIn(user);
    const row = page.getByRole('listitem', { name: 'iManage Status' });
    await row.getByRole('button', { name: 'Actions for iManage Status' }).click();
    await page.getByRole('menuitem', { name: 'Authorise' }).click();
    await signInAtIManage(page, emulator.url, app.url);
    await row.getByText('Authorised', { exact: true }).waitFor();
    await shot(page, 'authorised');

    emulator.revokeUserTokens('jsmith');
    await row.getByRole('button', { name: 'Actions for iManage Status' }).click();
    await page.getByRole('menuitem', { name: 'Test connection' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('no longer accepts your authorisation').first().waitFor();
    expect(await dialog.getByText('did not answer like iManage').count()).toBe(0);
    await shot(page, 'test-says-token');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.getByText('Expired: re-authorise').waitFor();

    await page.reload();
    await row.getByText('Expired: re-authorise').waitFor();
    const reason = await row.getByTestId('connection-reason').textContent();
    expect(reason).toContain('no longer accepts your authorisation');
    expect(reason).toMatch(/since .*\d/);
    expect(await row.getByText(/as jsmith|John Smith/).count()).toBe(0);
    await shot(page, 'expired-after-reload');
    await page.context().close();
  });

  it('stops Authorise before sign-in with the diagnosis: unreachable address, unknown Client Id, wrong secret', async () => {
    const shot = screenshotter('before-sign-in');
    const admin = await signedIn(connectorAdmin);
    const closed = `http://127.0.0.1:${await closedPort()}`;
    await addConnector(admin, 'iManage Unreachable', {
      clientId,
      secretKey: clientSecret,
      serverAddress: closed,
    });
    await addConnector(admin, 'iManage Unknown App', {
      clientId: 'no-such-app',
      secretKey: clientSecret,
      serverAddress: emulator.url,
    });
    await addConnector(admin, 'iManage Wrong Secret', {
      clientId,
      secretKey: 'not-the-secret',
      serverAddress: emulator.url,
    });

    const page = await signedIn(user);
    const authorise = async (name: string) => {
      const row = page.getByRole('listitem', { name });
      await row.getByRole('button', { name: `Actions for ${name}` }).click();
      await page.getByRole('menuitem', { name: 'Authorise' }).click();
      await page.getByText(`Lexbridge did not send you to sign in to ${name}.`).waitFor();
      await page.getByTestId('sign-in-check').waitFor();
      expect(new URL(page.url()).origin).toBe(app.url);
    };

    await authorise('iManage Unreachable');
    await page.getByTestId('sign-in-check').getByText('connection refused').waitFor();
    // Nothing was signed in to: the banner says what happened and what to check, not "to finish the
    // authorisation", and someone who cannot edit the connector is pointed at their Connector Admin.
    await page
      .getByText(`Lexbridge could not reach iManage at ${closed}, so it did not send you to sign in.`)
      .waitFor();
    expect(await page.getByText('to finish the authorisation').count()).toBe(0);
    await page.getByText('Tell your Connector Admin: the Server Address may be wrong').waitFor();
    await page.getByRole('button', { name: 'Tell your Connector Admin' }).waitFor();
    expect(await page.getByRole('button', { name: 'Authorise again' }).count()).toBe(0);
    await shot(page, 'unreachable');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'unreachable-390');
    await page.setViewportSize({ width: 1280, height: 860 });

    await authorise('iManage Unknown App');
    await page
      .getByTestId('sign-in-check')
      .getByText("did not accept the connector's Client Id or Secret Key")
      .waitFor();
    await shot(page, 'unknown-client-id');

    await authorise('iManage Wrong Secret');
    await page
      .getByTestId('sign-in-check')
      .getByText("did not accept the connector's Client Id or Secret Key")
      .waitFor();
    expect(await page.getByRole('button', { name: 'Authorise again' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit connector' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Tell your Connector Admin' }).click();
    const message = await page.getByLabel('Message for your Connector Admin').inputValue();
    expect(message).toContain('"iManage Wrong Secret"');
    expect(message).toContain(emulator.url);
    expect(message).toContain('Control Center');
    await page.getByRole('button', { name: 'Copy message' }).waitFor();
    await shot(page, 'wrong-secret-user');
    await page.context().close();

    // A Connector Admin gets "Edit connector" for the same failure.
    const wrong = admin.getByRole('listitem', { name: 'iManage Wrong Secret' });
    await admin.goto(`${app.url}/connectors`);
    await wrong.getByRole('button', { name: 'Actions for iManage Wrong Secret' }).click();
    await admin.getByRole('menuitem', { name: 'Authorise' }).click();
    await admin.getByText('Lexbridge did not send you to sign in to iManage Wrong Secret.').waitFor();
    await admin.getByTestId('sign-in-check').waitFor();
    await shot(admin, 'wrong-secret-admin');
    await admin.getByRole('button', { name: 'Edit connector' }).click();
    await admin.getByRole('dialog').getByLabel('Secret Key').waitFor();
    await shot(admin, 'edit-connector');
    await admin.context().close();
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 14, notifications: an Admin sets the firm's email defaults and the incoming webhook on
// Settings → Notifications; a User sees the firm's defaults, makes their own choices, and goes back
// to the default. (Delivery itself is tested in packages/server/test/notifications.)

const admin: TestPerson = {
  username: 'ada',
  password: 'ada-password-1',
  name: 'Ada Admin',
  email: 'ada@firm.example',
  roles: ['Admin'],
};
const user: TestPerson = {
  username: 'uma',
  password: 'uma-password-1',
  name: 'Uma User',
  email: 'uma@firm.example',
  roles: ['User'],
};

describe('notification settings page', () => {
  const app = useBrowserLexbridge({
    people: [admin, user],
    logName: 'notifications',
    // Shown on the page only; this test sends no mail.
    env: {
      LEXBRIDGE_SMTP_URL: 'smtp://127.0.0.1:2525',
      LEXBRIDGE_SMTP_FROM: 'Lexbridge <lexbridge@firm.example>',
    },
  });

  async function signedIn(person: TestPerson): Promise<Page> {
    const page = await app.signedInPage(person, '/connectors');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    return page;
  }

  const pausedLabel = 'A workflow of yours was paused';
  const failedLabel = 'A run failed or finished with failures';

  it('lets an Admin set firm defaults and the webhook, and a User choose for themselves', async () => {
    const shot = screenshotter('notifications');
    const page = await signedIn(admin);
    const defaults = page.getByRole('list', { name: 'Firm defaults' });
    await defaults.getByRole('switch', { name: pausedLabel }).click();
    await defaults.getByText('Off').waitFor();

    await page.getByLabel('Webhook address').fill('http://127.0.0.1:9/hooks/teams?token=abc');
    await page.getByLabel('Signing secret').fill('a-signing-secret-of-some-length');
    await page.getByRole('checkbox', { name: failedLabel }).check();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('Messages go to http://127.0.0.1:9.').waitFor();
    expect(await page.getByLabel('Webhook address').inputValue()).toBe('');
    expect(await page.content()).not.toContain('token=abc');
    await shot(page, 'admin');

    const mine = await signedIn(user);
    await mine.getByText('Emails go to uma@firm.example, at most one every 15 minutes').waitFor();
    expect(await mine.getByRole('heading', { name: 'Firm-wide (Admins)' }).count()).toBe(0);
    const paused = mine.getByRole('switch', { name: pausedLabel });
    expect(await paused.isChecked()).toBe(false);
    const failed = mine.getByRole('switch', { name: failedLabel });
    await failed.click();
    await mine.getByText('Your choice (the firm default is on).').waitFor();
    await mine.reload();
    await mine.getByText('Your choice (the firm default is on).').waitFor();
    expect(await mine.getByRole('switch', { name: failedLabel }).isChecked()).toBe(false);
    await shot(mine, 'user');
    await mine.getByRole('button', { name: 'Use firm default' }).click();
    await mine.getByText('Your choice (the firm default is on).').waitFor({ state: 'detached' });
    expect(await mine.getByRole('switch', { name: failedLabel }).isChecked()).toBe(true);
  });
});

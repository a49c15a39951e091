import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementShot, screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 14: "the folder picker can create a folder". In the workflow wizard's Target picker, New
// folder takes a name, checks it as the server does (which has the last word, with a stable code),
// and the folder is in the list at once, ready to open; a name already there is refused.

const connectorAdmin: TestPerson = {
  username: 'pia',
  password: 'pia-password-1',
  name: 'Pia Picker',
  email: 'pia@firm.example',
  roles: ['Connector.Admin'],
};

describe('the folder picker creates folders', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin],
    logName: 'folder-picker',
    localFolders: ['office/Matters', 'archive/Clients'],
  });
  let page: Page;
  const shot = screenshotter('folder-picker');

  beforeAll(async () => {
    page = await app.signedInPage(connectorAdmin, '/workflows', { timeout: 15_000 });
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
  });

  it('makes a new folder in the Target picker, checks its name, and lists it at once', async () => {
    const ids = await app.addLocalFolders(page, { 'Office share': 'office', Archive: 'archive' });
    await page.goto(`${app.url}/workflows/new`);
    await page.getByRole('radio', { name: /^Copy/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    const target = page.getByRole('region', { name: 'Target' });
    await target.getByLabel('Target connector').selectOption(ids.Archive!);
    await target.getByRole('button', { name: 'Open Clients' }).click();
    await expect.poll(() => target.getByTestId('target-chosen').textContent()).toBe('Archive / Clients');
    // Only the Target picker offers it: the source is only read.
    const source = page.getByRole('region', { name: 'Source' });
    await source.getByLabel('Source connector').selectOption(ids['Office share']!);
    await source.getByRole('button', { name: 'Open Matters' }).waitFor();
    expect(await source.getByRole('button', { name: 'New folder' }).count()).toBe(0);

    await target.getByRole('button', { name: 'New folder' }).click();
    const name = target.getByRole('textbox', { name: 'New folder in Clients' });
    await name.fill('Acme: 2026');
    await target.getByRole('button', { name: 'Create' }).click();
    await target.getByText('“:” cannot be in a folder name').waitFor();
    await elementShot(target, 'folder-picker', 'name-refused-1280');

    await name.fill('Acme 2026');
    await target.getByRole('button', { name: 'Create' }).click();
    await target.getByRole('button', { name: 'Open Acme 2026' }).waitFor();
    await target.getByText('Created “Acme 2026”.').waitFor();
    expect((await stat(join(app.root, 'archive', 'Clients', 'Acme 2026'))).isDirectory()).toBe(true);
    await shot(page, 'created');

    // The server's check: the same name again is refused with its own message.
    await target.getByRole('button', { name: 'New folder' }).click();
    await target.getByRole('textbox', { name: 'New folder in Clients' }).fill('Acme 2026');
    await target.getByRole('button', { name: 'Create' }).click();
    await target.getByText('"Acme 2026" is already there: open it, or choose another name.').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await elementShot(target, 'folder-picker', 'exists-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    await target.getByRole('button', { name: 'Cancel' }).click();
    await target.getByRole('button', { name: 'Open Acme 2026' }).click();
    await expect
      .poll(() => target.getByTestId('target-chosen').textContent())
      .toBe('Archive / Clients / Acme 2026');
  });
});

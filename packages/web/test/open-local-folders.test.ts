import { beforeAll, describe, expect, it } from 'vitest';
import { elementShot, screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import { editStoppedDatabase } from './support/embedded-database.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 13's banner: a local folder stored before May read / May write existed names neither, so
// everyone with a role may read and write it, and Connector Admins see a warning on every page until
// they set both. The product can no longer store such a connector, so the test makes one as an old
// server would have left it: added through the API, the server stopped, both settings removed from
// the embedded database (test support only), the server started again on the same data.

const connectorAdmin: TestPerson = {
  username: 'ola',
  password: 'ola-password-1',
  name: 'Ola Open',
  email: 'ola@firm.example',
  roles: ['Connector.Admin'],
};
const user: TestPerson = {
  username: 'ulf',
  password: 'ulf-password-1',
  name: 'Ulf User',
  email: 'ulf@firm.example',
  roles: ['User'],
};

describe('the banner for local folders open to everyone', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin, user],
    logName: 'open-local-folders-1',
    localFolders: ['old-share'],
  });
  const shot = screenshotter('open-local-folders');
  const signedIn = (person: TestPerson, path: string) => app.signedInPage(person, path, { timeout: 15_000 });

  beforeAll(async () => {
    const page = await signedIn(connectorAdmin, '/connectors');
    await app.addLocalFolders(page, { 'Old share': 'old-share' });
    await page.context().close();
    await app.restart('open-local-folders-2', async (dataDir) => {
      const changed = await editStoppedDatabase(
        dataDir,
        `UPDATE connectors SET config = config - 'mayRead' - 'mayWrite' WHERE name = $1`,
        ['Old share'],
      );
      expect(changed).toBe(1);
    });
  });

  it('warns Connector Admins on every page until May read and May write are set, and Users never', async () => {
    const page = await signedIn(connectorAdmin, '/workflows');
    const banner = page.getByTestId('open-local-folders');
    await banner.getByText('A local folder is open to everyone').waitFor();
    await banner.getByText('Everyone with a Lexbridge role may read and write “Old share”').waitFor();
    await shot(page, 'workflows-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await elementShot(banner, 'open-local-folders', 'banner-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    const other = await signedIn(user, '/workflows');
    await other.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    expect(await other.getByTestId('open-local-folders').count()).toBe(0);
    await other.context().close();

    // Following the banner: Edit on the Connectors page, set both, and it is gone.
    await banner.getByRole('link', { name: 'Connectors page' }).click();
    const row = page.getByRole('listitem', { name: 'Old share' });
    await row.getByRole('button', { name: 'Actions for Old share' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('May read').fill('User');
    await dialog.getByLabel('May write').fill('ConnectorAdmin');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved Old share.').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('open-local-folders').count()).toBe(0);
    await shot(page, 'after-edit');
  });
});

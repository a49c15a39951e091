import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 17 in the web app: a Two-way sync made through the wizard with its conflict policy, whose run
// page lists a conflict with links to both sides; and an Archive whose dry run lists what it would
// remove and whose run shows the manifest. Local folders on both sides (no authorisation needed).

const admin: TestPerson = {
  username: 'dana',
  password: 'dana-password-1',
  name: 'Dana Admin',
  email: 'dana@firm.example',
  roles: ['Connector.Admin'],
};

async function files(base: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(base, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(base.length + 1));
  return out.sort();
}

async function put(path: string, content: string, mtime?: Date): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  if (mtime) await utimes(path, mtime, mtime);
}

describe('two-way sync and archive in the web app', () => {
  const app = useBrowserLexbridge({
    people: [admin],
    logName: 'two-way-archive',
    localFolders: async (root) => {
      await put(join(root, 'office', 'Matters', 'Acme', 'Lease.txt'), 'Lease, first draft');
      await mkdir(join(root, 'teams', 'Shared'), { recursive: true });
      await put(join(root, 'room', 'Closing', 'Signed SPA.txt'), 'The signed share purchase agreement');
      await put(join(root, 'room', 'Closing', 'Disclosure', 'Letter.txt'), 'Disclosure letter');
      await mkdir(join(root, 'dms', 'Archive'), { recursive: true });
      await put(join(root, 'office', 'Precedents', 'Leases', 'Short lease.txt'), 'A short lease');
      await put(join(root, 'office', 'Precedents', 'NDA.txt'), 'Mutual NDA');
      // A file where the folder Leases must go: that folder and the lease in it fail.
      await put(join(root, 'dms', 'Precedents', 'Leases'), 'in the way');
    },
  });
  let page: Page;
  const shot = screenshotter('two-way-archive');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    page = await app.signedInPage(admin, '/workflows', { timeout: 15_000 });
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    const folders = { 'Office share': 'office', 'Teams files': 'teams', 'Matter room': 'room', DMS: 'dms' };
    Object.assign(ids, await app.addLocalFolders(page, folders));
  });

  /** Steps 1 and 2 of the wizard: the type, then each side's connector and folder. */
  async function chooseTypeAndFolders(
    type: RegExp,
    source: [string, string],
    target: [string, string],
  ): Promise<void> {
    await page.goto(`${app.url}/workflows/new`);
    await page.getByRole('radio', { name: type }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    for (const [label, [connector, folder]] of [
      ['Source', source],
      ['Target', target],
    ] as const) {
      const region = page.getByRole('region', { name: label });
      await region.getByLabel(`${label} connector`).selectOption(ids[connector]!);
      await region.getByRole('button', { name: `Open ${folder}` }).click();
      await expect
        .poll(() => region.getByTestId(`${label.toLowerCase()}-chosen`).textContent())
        .toBe(`${connector} / ${folder}`);
    }
    await page.getByText('Pre-flight checks passed').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 3 of 4: Options' }).waitFor();
  }

  async function waitForStatus(card: string, status: string): Promise<void> {
    await expect
      .poll(() => page.getByRole('group', { name: card }).getByTestId('run-status').textContent(), {
        timeout: 30_000,
      })
      .toBe(status);
  }

  it('creates a Two-way sync with its conflict policy named after both sides, and lists a conflict with links to both', async () => {
    await chooseTypeAndFolders(/^Two-way sync/, ['Office share', 'Matters'], ['Teams files', 'Shared']);
    const policy = page.getByRole('radiogroup', { name: 'When both sides changed the same document' });
    expect(await policy.getByRole('radio', { name: /^Keep both/ }).isChecked()).toBe(true);
    for (const name of [/^Newest wins/, /^Office share wins/, /^Teams files wins/])
      await policy.getByRole('radio', { name }).waitFor();
    // Deletes are never carried over by a two-way sync; a one-off's "copy what is already there" is not offered.
    expect(await page.getByRole('checkbox', { name: 'File Deleted' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'File Renamed' }).waitFor();
    await shot(page, 'two-way-options');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Keep both', { exact: true }).waitFor();
    await shot(page, 'two-way-review');
    await page.getByRole('button', { name: 'Create and run now' }).click();
    await page.getByRole('heading', { level: 1, name: 'Matters to Shared' }).waitFor();
    await waitForStatus('Current run', 'Succeeded');
    expect(await files(join(app.root, 'teams', 'Shared'))).toEqual(['Acme/Lease.txt']);

    // Both sides edit the lease before the next pass: a conflict, kept both ways.
    await put(
      join(app.root, 'office', 'Matters', 'Acme', 'Lease.txt'),
      'Lease, office edit',
      new Date(Date.now() - 60_000),
    );
    await put(join(app.root, 'teams', 'Shared', 'Acme', 'Lease.txt'), 'Lease, edit in Teams!', new Date());
    await page.getByRole('button', { name: 'Run now' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Run history' }).getByText('Succeeded').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await page
      .getByRole('group', { name: 'Current run' })
      .getByRole('link', { name: 'Open run details' })
      .click();
    const conflicts = page.getByRole('table', { name: 'Conflicts of this run' });
    const row = conflicts.getByRole('row', { name: /Lease\.txt/ });
    await row.waitFor();
    await row.getByText(/Keep both: kept the edit in Teams files/).waitFor();
    for (const side of ['Office share', 'Teams files'])
      expect(await row.getByRole('link', { name: `Open in ${side}` }).getAttribute('href')).toMatch(
        /^file:\/\//,
      );
    await shot(page, 'two-way-conflict');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'two-way-conflict-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect((await files(join(app.root, 'teams', 'Shared'))).length).toBe(2);
  });

  it('creates an Archive whose dry run lists what it would remove, then runs it and shows the manifest', async () => {
    await chooseTypeAndFolders(/^Archive/, ['Matter room', 'Closing'], ['DMS', 'Archive']);
    const after = page.getByRole('radiogroup', { name: 'After archiving' });
    expect(await after.getByRole('radio', { name: /^Remove the source content/ }).isChecked()).toBe(true);
    await after.getByRole('radio', { name: /^Leave the source, with a link/ }).waitFor();
    expect(await page.getByRole('checkbox', { name: /^Copy what is already there/ }).count()).toBe(0);
    await shot(page, 'archive-options');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Create and preview (dry run)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Closing to Archive' }).waitFor();
    await waitForStatus('Dry run', 'Succeeded');
    // A one-off: no Pause.
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page
      .getByRole('group', { name: 'Dry run' })
      .getByRole('link', { name: 'Open run details' })
      .click();
    const items = page.getByRole('table', { name: 'Items of this run' });
    const removal = items.getByRole('row', { name: /Disclosure\/Letter\.txt.*Delete from source/ });
    await removal.getByText('Would be done').waitFor();
    await page.getByText(/^Would be stored as “Archive manifest/).waitFor();
    await shot(page, 'archive-dry-run');
    expect((await files(join(app.root, 'room', 'Closing'))).length).toBe(2);
    expect(await files(join(app.root, 'dms', 'Archive'))).toEqual([]);

    await page.getByRole('link', { name: 'Back to Closing to Archive' }).click();
    await page.getByRole('button', { name: 'Run now' }).click();
    await waitForStatus('Current run', 'Succeeded');
    await page
      .getByRole('group', { name: 'Current run' })
      .getByRole('link', { name: 'Open run details' })
      .click();
    await page.getByText(/^Stored as “Archive manifest/).waitFor();
    expect(await page.getByRole('link', { name: 'Open in DMS' }).first().getAttribute('href')).toMatch(
      /^file:\/\//,
    );
    await shot(page, 'archive-run');
    expect(await files(join(app.root, 'room', 'Closing'))).toEqual([]);
    const archived = await files(join(app.root, 'dms', 'Archive'));
    expect(archived.filter((f) => !f.startsWith('Archive manifest'))).toEqual([
      'Disclosure/Letter.txt',
      'Signed SPA.txt',
    ]);
    const manifest = archived.find((f) => f.startsWith('Archive manifest'))!;
    expect(await readFile(join(app.root, 'dms', 'Archive', manifest), 'utf8')).toContain('Signed SPA.txt');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'archive-run-390');
  });

  it('retries the failed items of a finished Copy, keeps the latest run on show after a reload, and offers no Pause', async () => {
    await chooseTypeAndFolders(/^Copy/, ['Office share', 'Precedents'], ['DMS', 'Precedents']);
    await page.getByRole('checkbox', { name: /^Include the chosen folder itself/ }).waitFor();
    expect(await page.getByRole('checkbox', { name: /^Copy what is already there/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Create and run now' }).click();
    await page.getByRole('heading', { level: 1, name: 'Precedents to Precedents' }).waitFor();
    await waitForStatus('Current run', 'Finished with failures');
    const history = page.getByRole('table', { name: 'Run history' });
    await history.getByText('Finished with failures').waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Latest run' }).waitFor();
    await waitForStatus('Current run', 'Finished with failures');
    await shot(page, 'copy-with-failures-after-reload');

    await page
      .getByRole('group', { name: 'Current run' })
      .getByRole('link', { name: 'Open run details' })
      .click();
    const retry = page.getByRole('button', { name: 'Retry failed items (2)' });
    await retry.waitFor();
    await shot(page, 'copy-failures');
    await rm(join(app.root, 'dms', 'Precedents', 'Leases'));
    await put(join(app.root, 'office', 'Precedents', 'Later.txt'), 'Not part of the retry');
    await retry.click();
    await expect
      .poll(() => page.getByTestId('run-status').first().textContent(), { timeout: 30_000 })
      .toBe('Succeeded');
    expect(await page.getByRole('button', { name: /^Retry failed items/ }).count()).toBe(0);
    expect(await page.getByTestId('count-created').first().textContent()).toBe('2');
    await shot(page, 'copy-retried');
    expect(await files(join(app.root, 'dms', 'Precedents'))).toEqual(['Leases/Short lease.txt', 'NDA.txt']);
    await page.getByRole('link', { name: 'Back to Precedents to Precedents' }).click();
    await history.getByText('Retry of failed items').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'copy-history-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The list at 390 px: each workflow stacked, nothing cut off at the right.
    await page.getByRole('link', { name: 'All workflows' }).click();
    const list = page.getByRole('table', { name: 'Workflows' });
    await list.getByRole('link', { name: 'Precedents to Precedents' }).waitFor();
    expect(await list.evaluate((t) => t.scrollWidth <= t.clientWidth + 1)).toBe(true);
    await list.getByText('When you run it').first().waitFor();
    await shot(page, 'list-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

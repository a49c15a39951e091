import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotter, signInAsPerson } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 7's web pages end to end, in a real browser against a real `lexbridge serve`: two local-folder
// connectors (a local folder needs no personal authorisation, so both count as ready), a One-way sync
// made through the wizard with its folder browsers and pre-flight banner, a dry run, Run now with the
// live progress bar, the run's per-item log, and the files in the target folder.

const admin: TestPerson = {
  username: 'cara',
  password: 'cara-password-1',
  name: 'Cara Admin',
  email: 'cara@firm.example',
  roles: ['Connector.Admin'],
};

const sourceFiles: Record<string, string> = {
  'Acme/Engagement letter.txt': 'Dear Acme, thank you for instructing us.',
  'Acme/Correspondence/2024-01-05 reply.txt': 'We reply to your letter of 2 January.',
  'File note.txt': 'Call with the client about the lease.',
};

/** Every file under a folder: relative path → content. */
async function filesUnder(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(base, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(base.length + 1)] = await readFile(full, 'utf8');
  }
  return out;
}

describe('workflows in the web app', () => {
  const app = useBrowserLexbridge({
    people: [admin],
    logName: 'workflows',
    localFolders: async (root) => {
      for (const [path, content] of Object.entries(sourceFiles)) {
        const full = join(root, 'office', 'Matters', path);
        await mkdir(join(full, '..'), { recursive: true });
        await writeFile(full, content);
      }
      await mkdir(join(root, 'office', 'Templates'), { recursive: true });
      await mkdir(join(root, 'archive', 'Clients'), { recursive: true });
    },
  });
  let page: Page;
  const shot = screenshotter('workflows');
  const connectorIds: Record<string, string> = {};

  beforeAll(async () => {
    page = await app.newPage({ timeout: 15_000 });
  });

  it('shows what is needed before the first workflow, then creates a One-way sync through the wizard', async () => {
    await page.goto(`${app.url}/workflows`);
    await signInAsPerson(page, admin);
    await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    await page.getByText('You have none ready.').waitFor();
    await shot(page, 'empty-no-connectors');

    // Two local-folder connectors through the API, as the Connector Admin.
    Object.assign(
      connectorIds,
      await app.addLocalFolders(page, { 'Office share': 'office', Archive: 'archive' }),
    );
    await page.reload();
    await page.getByText(/You have 2 ready: (Office share, Archive|Archive, Office share)\./).waitFor();
    await shot(page, 'empty-ready');

    // Step 1: the type.
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.getByRole('heading', { name: 'Step 1 of 4: Type' }).waitFor();
    await page.getByRole('radio', { name: /^One-way sync/ }).check();
    await shot(page, 'wizard-type');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2: source and target, each through its folder browser.
    const source = page.getByRole('region', { name: 'Source' });
    const target = page.getByRole('region', { name: 'Target' });
    await source.getByLabel('Source connector').selectOption(connectorIds['Office share']!);
    await source.getByRole('button', { name: 'Open Matters' }).click();
    await expect.poll(() => source.getByTestId('source-chosen').textContent()).toBe('Office share / Matters');
    // The browser lists folders only, lazily: Matters shows its sub-folder, not its files.
    expect(
      await source.getByRole('list', { name: 'Folders in Matters' }).getByRole('button').allTextContents(),
    ).toEqual(['Acme']);
    await target.getByLabel('Target connector').selectOption(connectorIds.Archive!);
    await target.getByRole('button', { name: 'Open Clients' }).click();
    await expect.poll(() => target.getByTestId('target-chosen').textContent()).toBe('Archive / Clients');
    await page.getByText('Pre-flight checks passed').waitFor();
    await shot(page, 'wizard-locations');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 3: the name (suggested from the folders), options and triggers, all triggers on.
    await page.getByRole('heading', { name: 'Step 3 of 4: Options' }).waitFor();
    expect(await page.getByRole('textbox', { name: /^Name/ }).inputValue()).toBe('Matters to Clients');
    for (const trigger of ['File Created', 'File Deleted', 'Folder Moved'])
      expect(await page.getByRole('checkbox', { name: trigger }).isChecked()).toBe(true);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Matters to the archive');
    await shot(page, 'wizard-options');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 4: review; create and preview first (a dry run changes nothing).
    await page.getByRole('heading', { name: 'Step 4 of 4: Review' }).waitFor();
    await shot(page, 'wizard-review');
    await page.getByRole('button', { name: 'Create and preview (dry run)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Matters to the archive' }).waitFor();
    const dryRun = page.getByRole('group', { name: 'Dry run' });
    await expect
      .poll(() => dryRun.getByTestId('run-status').textContent(), { timeout: 20_000 })
      .toBe('Succeeded');
    expect(Number(await dryRun.getByTestId('count-created').textContent())).toBeGreaterThanOrEqual(3);
    expect(await filesUnder(join(app.root, 'archive'))).toEqual({});
    // A previewed sync waits for Run now (it used to start by itself a minute later).
    await page.getByText('Waiting for you to start it').waitFor();
    await shot(page, 'detail-dry-run');
  });

  it('runs now with a live progress bar, shows the per-item log, and the files arrive in the target', async () => {
    await page.getByRole('button', { name: 'Run now' }).click();
    const current = page.getByRole('group', { name: 'Current run' });
    await current.getByRole('progressbar').waitFor();
    await expect
      .poll(() => current.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toBe('Succeeded');
    expect(await current.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    expect(await current.getByTestId('count-created').textContent()).toBe(
      String(Object.keys(sourceFiles).length + 2),
    );
    expect(await current.getByTestId('count-failed').textContent()).toBe('0');
    // The run history follows: the run and the dry run, both finished, and Run now is available again.
    const history = page.getByRole('table', { name: 'Run history' });
    await expect.poll(() => history.getByText('Succeeded').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Run now' }).isEnabled()).toBe(true);
    await shot(page, 'detail-run-finished');

    expect(await filesUnder(join(app.root, 'archive', 'Clients'))).toEqual(sourceFiles);

    // The run's detail has an entry per item.
    await current.getByRole('link', { name: 'Open run details' }).click();
    await page.getByRole('heading', { level: 1, name: 'Run of Matters to the archive' }).waitFor();
    const items = page.getByRole('table', { name: 'Items of this run' });
    for (const path of Object.keys(sourceFiles))
      await items.getByRole('cell', { name: new RegExp(path.split('/').at(-1)!) }).waitFor();
    expect(await items.getByText('Done', { exact: true }).count()).toBe(Object.keys(sourceFiles).length + 2);
    await shot(page, 'run-detail');
    await page.getByRole('switch', { name: 'Failures only' }).check();
    await page.getByText('Nothing failed in this run.').waitFor();
    await shot(page, 'run-detail-failures-only');
  });

  it('lists the workflow and its run, on Activity too, and blocks a conflicting sync in the pre-flight banner', async () => {
    await page.goto(`${app.url}/workflows`);
    const row = page.getByRole('row', { name: /Matters to the archive/ });
    await row.getByText('Succeeded').waitFor();
    expect(await row.getByText('Active').count()).toBe(1);
    expect(await row.getByRole('cell', { name: 'Cara Admin' }).count()).toBe(1);
    await shot(page, 'list');

    await page.getByRole('link', { name: 'Activity' }).click();
    const recent = page.getByRole('table', { name: 'Recent runs' });
    await recent
      .getByRole('cell', { name: /Matters to the archive/ })
      .first()
      .waitFor();
    expect(await recent.getByRole('row').count()).toBe(3);
    await shot(page, 'activity');

    // A second sync from inside the first one's source: Workflow Conflict blocks sync and move, not copy.
    await page.goto(`${app.url}/workflows/new`);
    await page.getByRole('radio', { name: /^Move/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    const source = page.getByRole('region', { name: 'Source' });
    await source.getByLabel('Source connector').selectOption(connectorIds['Office share']!);
    await source.getByRole('button', { name: 'Open Matters' }).click();
    await source.getByRole('button', { name: 'Open Acme' }).click();
    await page
      .getByRole('region', { name: 'Target' })
      .getByLabel('Target connector')
      .selectOption(connectorIds.Archive!);
    const banner = page.getByTestId('preflight-banner');
    await banner.getByText('Blocked: One-way sync, Move').waitFor();
    await banner.getByText('Workflow Conflict', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await shot(page, 'wizard-conflict');
    await page.getByRole('button', { name: 'choose another type' }).click();
    expect(await page.getByRole('radio', { name: /^Move/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /^Copy/ }).isDisabled()).toBe(false);
    await shot(page, 'wizard-conflict-types');

    // Narrow screens: the list scrolls sideways inside its box instead of widening the page.
    await page.setViewportSize({ width: 420, height: 800 });
    await page.goto(`${app.url}/workflows`);
    await page.getByRole('row', { name: /Matters to the archive/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await shot(page, 'list-narrow');
  });
});

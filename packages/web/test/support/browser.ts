import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** Screenshots of every step land here (gitignored); look at them after a run. */
export const artifactsDir = fileURLToPath(new URL('../../../../test-artifacts/e2e/', import.meta.url));

/** Debian's chromium with the flags that make it quiet and deterministic in CI. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Numbered screenshots of one test's steps: `<prefix>-01-<name>.png`, `<prefix>-02-…`. */
export function screenshotter(prefix: string): (page: Page, name: string) => Promise<string> {
  let step = 0;
  return async (page, name) => {
    step += 1;
    await mkdir(artifactsDir, { recursive: true });
    const file = join(artifactsDir, `${prefix}-${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** A screenshot of one element (`<prefix>-<name>.png`), for looking closely at a narrow layout. */
export async function elementShot(locator: Locator, prefix: string, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${prefix}-${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

/**
 * From a page that asks a signed-out person to sign in: Sign in, then the embedded identity
 * provider's form filled in as `person` and sent. The caller waits for where it expects to land.
 */
export async function signInAsPerson(
  page: Page,
  person: { username: string; password: string },
): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * After Authorise on an iManage connector: on the emulator's sign-in page (at `imanageUrl`), signs in
 * as its user jsmith and waits until Lexbridge (at `lexbridgeUrl`) is back with the authorisation.
 */
export async function signInAtIManage(page: Page, imanageUrl: string, lexbridgeUrl: string): Promise<void> {
  await page.waitForURL((url) => url.origin === new URL(imanageUrl).origin);
  await page.getByLabel('Username').fill('jsmith');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === lexbridgeUrl && url.searchParams.has('authorised'));
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, signInAsPerson } from './browser.ts';
import { type LexbridgeProcess, startLexbridge, type TestPerson } from './lexbridge-process.ts';

export interface ServerAndBrowser {
  lexbridge: LexbridgeProcess;
  browser: Browser;
}

/** What starts the two; this helper's own test passes wrapped ones to see what each start made. */
export interface Starters {
  startLexbridge: typeof startLexbridge;
  launchBrowser: typeof launchBrowser;
}

/**
 * Starts `lexbridge serve` and Chromium side by side. When either fails, the one that did start is
 * stopped before the failure is rethrown: a caller that only sees the rejection has nothing to stop,
 * so a server left running here would outlive the test run.
 */
export async function startServerAndBrowser(
  people: TestPerson[],
  options: Parameters<typeof startLexbridge>[1],
  starters: Starters = { startLexbridge, launchBrowser },
): Promise<ServerAndBrowser> {
  const [server, browser] = await Promise.allSettled([
    starters.startLexbridge(people, options),
    starters.launchBrowser(),
  ]);
  if (server.status === 'fulfilled' && browser.status === 'fulfilled')
    return { lexbridge: server.value, browser: browser.value };
  await closeServerAndBrowser({
    lexbridge: server.status === 'fulfilled' ? server.value : undefined,
    browser: browser.status === 'fulfilled' ? browser.value : undefined,
  });
  const failures = [server, browser].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  throw failures.length === 1
    ? failures[0]
    : new AggregateError(failures, 'neither lexbridge serve nor Chromium started');
}

/** Closes the browser and stops the server (removing its data), whichever of them exists; both are tried. */
export async function closeServerAndBrowser({
  lexbridge,
  browser,
}: Partial<ServerAndBrowser>): Promise<void> {
  const results = await Promise.allSettled([browser?.close(), lexbridge?.stop()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export interface BrowserLexbridgeOptions {
  people: TestPerson[];
  /** Names the server's log, test-artifacts/e2e/<logName>.lexbridge.log. */
  logName: string;
  env?: Record<string, string>;
  /**
   * A temporary folder named in LEXBRIDGE_LOCAL_FOLDER_ROOTS (`root`), made before the start and
   * removed after; before the server starts, the folders listed are made in it, or a function fills it.
   */
  localFolders?: true | string[] | ((root: string) => Promise<unknown>);
}

/** A browser context's options, and the page's default timeout for actions and waits. */
export type PageOptions = BrowserContextOptions & { timeout?: number };

export interface BrowserLexbridge {
  /** The server's address, e.g. `http://localhost:41234`. */
  readonly url: string;
  readonly lexbridge: LexbridgeProcess;
  readonly browser: Browser;
  /** The folder named in LEXBRIDGE_LOCAL_FOLDER_ROOTS (with `localFolders`). */
  readonly root: string;
  /** A new browser context, 1280 × 900 and en-GB unless `options` say otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new browser context (as `newContext`). */
  newPage(options?: PageOptions): Promise<Page>;
  /** A new page signed in as `person` from `path`, once the app is back at `path`. */
  signedInPage(person: TestPerson, path: string, options?: PageOptions): Promise<Page>;
  /**
   * Adds local-folder connectors through the API with `page`'s session: name → folder under `root`.
   * Returns their ids by name.
   */
  addLocalFolders(page: Page, folders: Record<string, string>): Promise<Record<string, string>>;
  /** Stops the server keeping its data, runs `whileStopped` on its folder, starts it again as `logName`. */
  restart(logName: string, whileStopped?: (dataDir: string) => Promise<void>): Promise<void>;
}

/**
 * Registers the suite's beforeAll and afterAll for a real `lexbridge serve` (on an embedded database,
 * with the embedded identity provider's `people`) and Chromium. afterAll closes whatever started, also
 * when the start failed or outlived its hook's timeout. Register the suite's own hooks after this call:
 * its beforeAll then runs with both started, its afterAll before they are closed.
 */
export function useBrowserLexbridge(options: BrowserLexbridgeOptions): BrowserLexbridge {
  let root: string | undefined;
  let starting: Promise<unknown> | undefined;
  let started: Partial<ServerAndBrowser> = {};
  const serverOptions = (logName: string, dataDir?: string) => ({
    logName,
    env: { ...(root ? { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } : {}), ...options.env },
    ...(dataDir ? { dataDir } : {}),
  });

  beforeAll(async () => {
    if (options.localFolders) root = await makeLocalFolders(options.logName, options.localFolders);
    starting = startServerAndBrowser(options.people, serverOptions(options.logName)).then((parts) => {
      started = parts;
    });
    await starting;
  });

  afterAll(async () => {
    await starting?.catch(() => undefined);
    try {
      await closeServerAndBrowser(started);
    } finally {
      if (root) await rm(root, { recursive: true, force: true });
    }
  });

  const part = <K extends keyof ServerAndBrowser>(key: K): ServerAndBrowser[K] => {
    const value = started[key];
    if (!value) throw new Error(`${key} is not started: use it from a hook or test, after beforeAll`);
    return value;
  };
  const localRoot = () => {
    if (!root) throw new Error('no local folder root: pass localFolders to useBrowserLexbridge');
    return root;
  };
  return {
    get url() {
      return part('lexbridge').url;
    },
    get lexbridge() {
      return part('lexbridge');
    },
    get browser() {
      return part('browser');
    },
    get root() {
      return localRoot();
    },
    ...pagesOf(
      () => part('browser'),
      () => part('lexbridge').url,
    ),
    addLocalFolders: (page, folders) => postLocalFolders(page, part('lexbridge').url, localRoot(), folders),
    async restart(logName, whileStopped) {
      const { dataDir } = part('lexbridge');
      await part('lexbridge').stop({ keepData: true });
      await whileStopped?.(dataDir);
      started.lexbridge = await startLexbridge(options.people, serverOptions(logName, dataDir));
    },
  };
}

async function makeLocalFolders(
  logName: string,
  contents: NonNullable<BrowserLexbridgeOptions['localFolders']>,
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `lexbridge-e2e-${logName}-`));
  if (typeof contents === 'function') await contents(root);
  else if (contents !== true)
    for (const folder of contents) await mkdir(join(root, folder), { recursive: true });
  return root;
}

/** New contexts and pages of the running browser, and pages signed in to the running server. */
function pagesOf(
  browser: () => Browser,
  url: () => string,
): Pick<BrowserLexbridge, 'newContext' | 'newPage' | 'signedInPage'> {
  const newContext = (context: BrowserContextOptions = {}) =>
    browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...context });
  const newPage = async ({ timeout, ...context }: PageOptions = {}) => {
    const page = await (await newContext(context)).newPage();
    if (timeout) page.setDefaultTimeout(timeout);
    return page;
  };
  return {
    newContext,
    newPage,
    async signedInPage(person, path, options) {
      const page = await newPage(options);
      await page.goto(`${url()}${path}`);
      await signInAsPerson(page, person);
      await page.waitForURL(`${url()}${path}`);
      return page;
    },
  };
}

async function postLocalFolders(
  page: Page,
  url: string,
  root: string,
  folders: Record<string, string>,
): Promise<Record<string, string>> {
  const { csrfToken } = (await (await page.request.get(`${url}/api/me`)).json()) as { csrfToken: string };
  const ids: Record<string, string> = {};
  for (const [name, folder] of Object.entries(folders)) {
    const res = await page.request.post(`${url}/api/connectors`, {
      data: { type: 'local-folder', name, config: { path: join(root, folder) } },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(res.status()).toBe(201);
    ids[name] = ((await res.json()) as { id: string }).id;
  }
  return ids;
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
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
   * removed after; a function fills it before the server starts.
   */
  localFolders?: true | ((root: string) => Promise<unknown>);
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
    if (options.localFolders) {
      root = await mkdtemp(join(tmpdir(), `lexbridge-e2e-${options.logName}-`));
      if (options.localFolders !== true) await options.localFolders(root);
    }
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
  const newContext = (context: BrowserContextOptions = {}) =>
    part('browser').newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...context });
  const newPage = async ({ timeout, ...context }: PageOptions = {}) => {
    const page = await (await newContext(context)).newPage();
    if (timeout) page.setDefaultTimeout(timeout);
    return page;
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
      if (!root) throw new Error('no local folder root: pass localFolders to useBrowserLexbridge');
      return root;
    },
    newContext,
    newPage,
    async signedInPage(person, path, pageOptions) {
      const page = await newPage(pageOptions);
      const url = `${part('lexbridge').url}${path}`;
      await page.goto(url);
      await signInAsPerson(page, person);
      await page.waitForURL(url);
      return page;
    },
    async restart(logName, whileStopped) {
      const { dataDir } = part('lexbridge');
      await part('lexbridge').stop({ keepData: true });
      await whileStopped?.(dataDir);
      started.lexbridge = await startLexbridge(options.people, serverOptions(logName, dataDir));
    },
  };
}

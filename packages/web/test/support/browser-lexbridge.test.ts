import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { closeServerAndBrowser, type Starters, startServerAndBrowser } from './browser-lexbridge.ts';
import { type LexbridgeProcess, startLexbridge, type TestPerson } from './lexbridge-process.ts';

// A browser suite used to start both with Promise.all: when Chromium failed to launch, the server
// that had started was lost, and kept running after the run. Now whichever failed, the other stops.

const person: TestPerson = {
  username: 'sid',
  password: 'sid-password-1',
  name: 'Sid Setup',
  email: 'sid@firm.example',
  roles: ['Connector.Admin'],
};

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

describe('starting lexbridge serve and Chromium together', () => {
  const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, TMPDIR: process.env.TMPDIR };
  let scratch: string | undefined;
  // Each start as it was made, so a check can wait for it whether or not the helper did.
  const serverStarts: Promise<LexbridgeProcess>[] = [];
  const browserLaunches: Promise<Browser>[] = [];
  const watched: Starters = {
    startLexbridge: (...args) => {
      const start = startLexbridge(...args);
      serverStarts.push(start);
      return start;
    },
    launchBrowser: () => {
      const launch = launchBrowser();
      browserLaunches.push(launch);
      return launch;
    },
  };
  const started = async <T>(starts: Promise<T>[]): Promise<T[]> =>
    (await Promise.allSettled(starts.splice(0))).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  afterEach(async () => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    // Whatever a failing check left running.
    for (const server of await started(serverStarts)) await server.stop();
    for (const browser of await started(browserLaunches)) await browser.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('rejects when Chromium is missing, and the server it started is no longer running', async () => {
    process.env.CHROMIUM_PATH = join(tmpdir(), 'lexbridge-e2e-no-such-chromium');
    await expect(
      startServerAndBrowser([person], { logName: 'start-without-chromium' }, watched),
    ).rejects.toThrow(/lexbridge-e2e-no-such-chromium/);
    expect(serverStarts).toHaveLength(1);
    const server = await serverStarts[0]!;
    expect(isRunning(server.pid)).toBe(false);
  });

  it('rejects when the server cannot start, closes the browser it launched and leaves no folder', async () => {
    // The server's temporary folder and Chromium's profile are made here.
    scratch = await mkdtemp(join(tmpdir(), 'lexbridge-e2e-tmpdir-'));
    process.env.TMPDIR = scratch;
    await expect(
      startServerAndBrowser(
        [person],
        { logName: 'start-with-a-bad-key', env: { LEXBRIDGE_ENCRYPTION_KEYS: 'not-a-key' } },
        watched,
      ),
    ).rejects.toThrow(/exited during start-up/);
    expect(browserLaunches).toHaveLength(1);
    const browser = await browserLaunches[0]!;
    expect(browser.isConnected()).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('closes nothing without complaint when neither started', async () => {
    await expect(closeServerAndBrowser({})).resolves.toBeUndefined();
  });
});

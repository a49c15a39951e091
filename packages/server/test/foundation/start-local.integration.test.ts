import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './capture.ts';
import { killAll, type LexbridgeProcess, spawnLexbridge } from './processes.ts';

// `npm start` runs `lexbridge start` (after building the web app once): the server with its workers on
// the embedded database, plus whatever local companions other features add (the iManage emulator, the
// embedded identity provider). Whatever they add, it must come up, answer and stop cleanly.
let dataDir: string;
let start: LexbridgeProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-start-'));
  start = spawnLexbridge(['start'], {
    LEXBRIDGE_DATA_DIR: dataDir,
    PORT: '0',
    LEXBRIDGE_EMULATOR_PORT: '0',
    LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  await killAll();
  await rm(dataDir, { recursive: true, force: true });
});

it('`lexbridge start` comes up on the embedded database, prints where, and is ready', {
  timeout: 90_000,
}, async () => {
  const banner = await waitFor(
    `the start-up banner`,
    async () => {
      if (start.child.exitCode !== null)
        throw new Error(`lexbridge start exited:\n${start.stdout()}\n${start.stderr()}`);
      return /Lexbridge is running at (http:\/\/\S+)/.exec(start.stdout()) ?? undefined;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nstdout:\n${start.stdout()}\nstderr:\n${start.stderr()}`);
  });
  expect(start.stdout()).toContain(`embedded, in ${dataDir}`);
  const res = await fetch(`${banner[1]}/readyz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ready' });
});

it('bundles an iManage emulator with the demo application registered, as the banner tells', async () => {
  const out = start.stdout();
  const emulatorUrl = /iManage emulator:\s+(http:\/\/\S+)/.exec(out)?.[1];
  expect(emulatorUrl, out).toBeDefined();
  expect(out).toContain('Client Id lexbridge-demo, Secret Key lexbridge-demo-secret');
  expect(out).toContain(`Local folders may be used under ${join(dataDir, 'folders')}`);
  const token = await fetch(`${emulatorUrl}/auth/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: 'lexbridge-demo',
      client_secret: 'lexbridge-demo-secret',
      scope: 'user',
    }),
  });
  expect(token.status).toBe(200);
  expect(((await token.json()) as { refresh_token?: string }).refresh_token).toBeTruthy();
});

it('stops on SIGTERM with status 0', async () => {
  expect(await start.stop()).toBe(0);
});

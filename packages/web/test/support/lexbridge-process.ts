import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactsDir } from './browser.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A person of the embedded identity provider, as the users file holds them. */
export interface TestPerson {
  username: string;
  password: string;
  name: string;
  email: string;
  /** As the firm's identity provider would send them, e.g. "Connector.Admin". */
  roles: string[];
}

export interface LexbridgeProcess {
  url: string;
  pid: number;
  /** The temporary folder holding the users file, the encryption key and the data directory (`data`). */
  dataDir: string;
  /** Stops the process; `keepData` leaves its folder for a restart (`startLexbridge` with `dataDir`). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (LEXBRIDGE_PUBLIC_URL must name the port before the server starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the real `lexbridge serve` (node bin/lexbridge.js, not npm, so stopping it frees the port) on an
 * embedded database in a temporary data directory, with the embedded identity provider and the given
 * people. Its output goes to test-artifacts/e2e/<logName>.lexbridge.log.
 */
export async function startLexbridge(
  people: TestPerson[],
  options: { logName: string; env?: Record<string, string>; dataDir?: string },
): Promise<LexbridgeProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lexbridge-e2e-')));
  // A restart on the same folder needs the same key to read what the first process encrypted.
  const keyFile = join(dataDir, 'encryption-key');
  const key = options.dataDir ? (await readFile(keyFile, 'utf8')).trim() : randomBytes(32).toString('base64');
  await writeFile(keyFile, key, { mode: 0o600 });
  const usersFile = join(dataDir, 'users.json');
  await writeFile(usersFile, JSON.stringify({ users: people }, null, 2));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  await mkdir(artifactsDir, { recursive: true });
  const logFile = join(artifactsDir, `${options.logName}.lexbridge.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin', 'lexbridge.js'), 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LEXBRIDGE_PUBLIC_URL: url,
      LEXBRIDGE_DATA_DIR: join(dataDir, 'data'),
      LEXBRIDGE_USERS_FILE: usersFile,
      LEXBRIDGE_ENCRYPTION_KEYS: `e2e:${key}`,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    if (!keepData) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await untilHealthy(url, exited, logFile);
  } catch (error) {
    // Nothing of a failed start stays behind, but a folder the caller gave us.
    await stop({ keepData: options.dataDir !== undefined });
    throw error;
  }
  return { url, pid: child.pid ?? -1, dataDir, stop };
}

/** Bounded wait for readiness: 240 tries, 250 ms apart, or the process exiting. */
async function untilHealthy(url: string, exited: Promise<unknown>, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    const outcome = await Promise.race([
      fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      ),
      exited.then(() => 'exited' as const),
    ]);
    if (outcome === 'exited') throw new Error(`lexbridge serve exited during start-up; see ${logFile}`);
    if (outcome) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`lexbridge serve did not answer /healthz within 60 s; see ${logFile}`);
}

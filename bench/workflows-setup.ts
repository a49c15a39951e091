/**
 * Shared set-up of the workflow benchmarks: a Lexbridge server (in-memory database) with a signed-in
 * user who authorised an iManage connector on an emulator through the real OAuth flow, and a counting
 * HTTP proxy in front of the emulator so that API calls can be counted on the wire.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import {
  type ContentOptions,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../packages/imanage-emulator/src/index.ts';
import { loadConfig } from '../packages/server/src/config/index.ts';
import { createSession, sessionCookieName } from '../packages/server/src/identity/sessions.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { type Lexbridge, openLexbridge } from '../packages/server/src/runtime.ts';
import { serve } from '../packages/server/src/server.ts';
import { connectors, users, workflows } from '../packages/server/src/store/schema.ts';
import { performRun, requestRun } from '../packages/server/src/workflows/runs.ts';
import { authoriseAtEmulator } from './emulator-sign-in.ts';

export interface BenchSetup {
  lexbridge: Lexbridge;
  /** The in-process emulator, to change its content; null when it runs in its own process. */
  emulator: RunningEmulator | null;
  /** Where clients reach the emulator (through the counting proxy). */
  emulatorUrl: string;
  customerId: number;
  /** An access token of the emulator user, for plain scripts (password grant). */
  plainToken(): Promise<string>;
  /** The first folder of the first workspace, looked up through the Work API. */
  firstFolder(): Promise<{ workspaceId: string; folderId: string }>;
  userId: string;
  imanageId: string;
  root: string;
  /** Work API requests that reached the emulator through the proxy (OAuth and discovery excluded). */
  apiCalls(): number;
  localFolder(name: string): Promise<{ id: string; path: string }>;
  close(): Promise<void>;
}

const clientId = 'lexbridge-bench';
const clientSecret = 'bench-secret-bench-secret';

/** A proxy that forwards everything to `target` and counts Work API requests. */
async function startCountingProxy(): Promise<{
  server: Server;
  url: string;
  setTarget(url: string): void;
  count(): number;
}> {
  let target = '';
  let calls = 0;
  const server = createServer((req, res) => {
    if (req.url?.includes('/work/api/v2/customers/')) calls++;
    const upstream = new URL(req.url ?? '/', target);
    const forward = httpRequest(
      upstream,
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (url) => (target = url),
    count: () => calls,
  };
}

export async function setupBench(
  content: ContentOptions,
  env: Record<string, string> = {},
  options: { emulatorProcess?: boolean } = {},
): Promise<BenchSetup> {
  const root = await mkdtemp(join(tmpdir(), 'lexbridge-bench-'));
  const config = loadConfig({
    LEXBRIDGE_DATA_DIR: join(root, 'data'),
    LEXBRIDGE_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
    LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'silent' }), inMemory: true });
  const server = await serve(lexbridge, { port: 0, host: '127.0.0.1', workers: false });
  const serverUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  (lexbridge.config as { publicUrl: string }).publicUrl = serverUrl;

  const proxy = await startCountingProxy();
  const emulatorPort = await freePort();
  const emulatorOptions: EmulatorOptions = {
    port: emulatorPort,
    seed: 3,
    publicUrl: proxy.url,
    content,
    users: [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
    apps: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        name: 'Lexbridge',
        redirect_urls: [`${serverUrl}/api/connectors/authorised`],
        allow_refresh_token: true,
      },
    ],
  };
  let emulator: RunningEmulator | null = null;
  let child: ChildProcess | null = null;
  let customerId: number;
  if (options.emulatorProcess) {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./workflows-emulator-process.ts', import.meta.url)),
        JSON.stringify(emulatorOptions),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    customerId = await new Promise<number>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /ready (\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      child!.on('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
    });
  } else {
    emulator = await startEmulator(emulatorOptions);
    customerId = emulator.customerId;
  }
  proxy.setTarget(`http://127.0.0.1:${emulatorPort}`);
  const plainToken = async () => {
    const res = await fetch(`${proxy.url}/auth/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'jsmith',
        password: 'password',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const firstFolder = async () => {
    const headers = { 'x-auth-token': await plainToken() };
    const base = `${proxy.url}/work/api/v2/customers/${customerId}/libraries/ACTIVE`;
    const workspaces = (await (await fetch(`${base}/workspaces`, { headers })).json()) as {
      data: { results?: { id: string }[] } | { id: string }[];
    };
    const workspaceId = (
      Array.isArray(workspaces.data) ? workspaces.data : (workspaces.data.results ?? [])
    )[0]!.id;
    const children = (await (
      await fetch(`${base}/workspaces/${workspaceId}/children`, { headers })
    ).json()) as { data: { id: string }[] };
    return { workspaceId, folderId: children.data[0]!.id };
  };

  const userId = randomUUID();
  await lexbridge.store.db.insert(users).values({
    id: userId,
    issuer: 'https://bench',
    subject: userId,
    name: 'Bench',
    email: 'bench@firm.test',
    roles: ['User', 'ConnectorAdmin'],
  });
  const session = await createSession(lexbridge.store.db, userId, { idleMinutes: 600, absoluteHours: 12 });
  const headers = { cookie: `${sessionCookieName}=${session.token}`, 'x-csrf-token': session.csrfToken };

  const created = await fetch(`${serverUrl}/api/connectors`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'imanage-onprem',
      name: 'iManage (emulator)',
      config: {
        clientId,
        secretKey: clientSecret,
        scope: 'User',
        refreshToken: true,
        serverAddress: `${proxy.url}/`,
      },
    }),
  });
  if (created.status !== 201) throw new Error(`create connector: ${created.status} ${await created.text()}`);
  const imanageId = ((await created.json()) as { id: string }).id;
  await authoriseAtEmulator(serverUrl, headers.cookie, imanageId);

  return {
    lexbridge,
    emulator,
    emulatorUrl: proxy.url,
    customerId,
    plainToken,
    firstFolder,
    userId,
    imanageId,
    root,
    apiCalls: proxy.count,
    async localFolder(name) {
      const path = join(root, `${name}-${randomUUID().slice(0, 8)}`);
      await mkdir(path, { recursive: true });
      const id = randomUUID();
      await lexbridge.store.db
        .insert(connectors)
        .values({ id, type: 'local-folder', name, config: { path } });
      return { id, path };
    },
    async close() {
      await server.close();
      await lexbridge.close();
      await emulator?.close();
      if (child) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      proxy.server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The plain scripts' listing of a folder's documents (emails included) through the Work API, 500 a page. */
export async function listDocuments(
  setup: BenchSetup,
  folderId: string,
  auth: Record<string, string>,
): Promise<{ id: string; name: string }[]> {
  const base = `${setup.emulatorUrl}/work/api/v2/customers/${setup.customerId}/libraries/ACTIVE`;
  const documents: { id: string; name: string }[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = (await (
      await fetch(`${base}/folders/${folderId}/children?limit=500&offset=${offset}`, { headers: auth })
    ).json()) as { data: { id: string; wstype: string; full_file_name: string }[] };
    // Emails (.msg, .eml) are documents too, listed with wstype 'email'.
    for (const item of page.data)
      if (item.wstype === 'document' || item.wstype === 'email')
        documents.push({ id: item.id, name: item.full_file_name });
    if (page.data.length < 500) return documents;
  }
}

/** A port free right now (the emulator reports only its public URL, which is the proxy's). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * How the no-change benchmarks drive a workflow's passes: `again` asks for a scheduled pass (a full
 * reconciliation or an incremental one) as the scheduler would, `measure` performs a run and prints
 * its API calls (through the emulator's counting proxy) and time.
 */
export function passes(setup: BenchSetup, workflowId: string, labelWidth: number) {
  return {
    async measure(label: string, runId: string): Promise<{ calls: number; seconds: number }> {
      const calls = setup.apiCalls();
      const started = performance.now();
      const done = await performRun(setup.lexbridge, runId, { log: setup.lexbridge.log });
      const seconds = (performance.now() - started) / 1000;
      const used = setup.apiCalls() - calls;
      console.log(
        `${label.padEnd(labelWidth)} ${String(used).padStart(6)} API calls ${seconds.toFixed(2).padStart(8)} s  ` +
          `created ${done?.created} updated ${done?.updated} deleted ${done?.deleted} failed ${done?.failed} (${done?.status})`,
      );
      return { calls: used, seconds };
    },
    async again(fullReconcile: boolean): Promise<string> {
      const [row] = await setup.lexbridge.store.db
        .select()
        .from(workflows)
        .where(eq(workflows.id, workflowId));
      if (!row) throw new Error(`workflow ${workflowId} is gone`);
      return (await requestRun(setup.lexbridge, row, { trigger: 'schedule', fullReconcile })).id;
    },
  };
}

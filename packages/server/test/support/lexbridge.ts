import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import type { Role } from '../../src/identity/person.ts';
import { createSession, sessionCookieName } from '../../src/identity/sessions.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { type Lexbridge, openLexbridge } from '../../src/runtime.ts';
import { serve } from '../../src/server.ts';
import { users } from '../../src/store/schema.ts';

/** Set to a postgres:// URL (CI sets it) to run the suites that need PostgreSQL. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/** describe() for suites that need PostgreSQL; reported as skipped, with the reason, without it. */
export function describeWithPostgres(name: string, fn: () => void): void {
  if (!testDatabaseUrl) {
    // Said on the console too: the default reporter shows skipped suites only as a count.
    console.info(`skipped "${name}": needs PostgreSQL; set TEST_DATABASE_URL=postgres://… to run it`);
    describe.skip(`${name} (skipped: needs PostgreSQL; set TEST_DATABASE_URL=postgres://…)`, fn);
  } else {
    describe(name, fn);
  }
}

/** A fresh, empty PostgreSQL database for one suite; dropped by `drop()`. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `lexbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testEncryptionKeys(): string {
  return `test1:${randomBytes(32).toString('base64')}`;
}

export interface TestLexbridge extends Lexbridge {
  dataDir: string;
  dispose(): Promise<void>;
}

export interface TestLexbridgeOptions {
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /** postgres:// URL to use instead of an in-memory embedded database. */
  databaseUrl?: string;
  log?: Logger;
}

/** An open Lexbridge on an in-memory embedded database (or the given PostgreSQL) with its own data dir. */
export async function createTestLexbridge(options: TestLexbridgeOptions = {}): Promise<TestLexbridge> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-test-'));
  const config = loadConfig({
    LEXBRIDGE_DATA_DIR: dataDir,
    LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
    PORT: '0',
    LOG_LEVEL: 'silent',
    // The tests' Lexbridge is local: its emulators and fixture servers are on 127.0.0.1.
    LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  });
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL });
  // In memory, the embedded database starts from the template that global-setup.ts made.
  const lexbridge = await openLexbridge({ config, log, inMemory: true });
  return Object.assign(lexbridge, {
    dataDir,
    async dispose() {
      await lexbridge.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

export interface TestServer {
  lexbridge: TestLexbridge;
  url: string;
  close(): Promise<void>;
}

/** A Lexbridge HTTP server on 127.0.0.1 port 0. */
export async function startTestServer(
  options: TestLexbridgeOptions & { workers?: boolean } = {},
): Promise<TestServer> {
  const lexbridge = await createTestLexbridge(options);
  const server = await serve(lexbridge, { port: 0, host: '127.0.0.1', workers: options.workers ?? false });
  const port = (server.app.server.address() as { port: number }).port;
  return {
    lexbridge,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await lexbridge.dispose();
    },
  };
}

export interface SignedIn {
  userId: string;
  cookie: string;
  csrfToken: string;
  /** Headers for a state-changing request: cookie plus CSRF token. */
  headers: Record<string, string>;
}

/**
 * Creates a user with the given roles and a session for them, as a completed sign-in would, so that
 * suites about other features need not drive the identity provider.
 */
export async function signIn(
  lexbridge: Lexbridge,
  options: { roles: Role[]; name?: string; email?: string; subject?: string } = { roles: ['User'] },
): Promise<SignedIn> {
  const userId = randomUUID();
  const subject = options.subject ?? `test-${userId}`;
  await lexbridge.store.db.insert(users).values({
    id: userId,
    issuer: 'https://idp.test',
    subject,
    name: options.name ?? `Test ${options.roles.join('+') || 'no role'}`,
    email: options.email ?? `${subject}@firm.test`,
    roles: options.roles,
    lastSignInAt: new Date(),
  });
  const session = await createSession(lexbridge.store.db, userId, { idleMinutes: 60, absoluteHours: 12 });
  const cookie = `${sessionCookieName}=${session.token}`;
  return {
    userId,
    cookie,
    csrfToken: session.csrfToken,
    headers: { cookie, 'x-csrf-token': session.csrfToken },
  };
}

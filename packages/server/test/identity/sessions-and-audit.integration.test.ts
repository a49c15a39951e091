import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/record.ts';
import { createSession, findActiveSession } from '../../src/identity/sessions.ts';
import { users } from '../../src/store/schema.ts';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const minutes = (n: number) => n * 60_000;

async function newUser(): Promise<string> {
  const id = randomUUID();
  await server.lexbridge.store.db.insert(users).values({
    id,
    issuer: 'https://idp.test',
    subject: id,
    email: `${id}@firm.test`,
    name: 'S',
    roles: ['User'],
  });
  return id;
}

describe('session expiry', () => {
  const lifetime = { idleMinutes: 60, absoluteHours: 12 };

  it('ends a session after the idle time without requests, and slides it while in use', async () => {
    const db = server.lexbridge.store.db;
    const t0 = new Date('2030-01-01T08:00:00Z');
    const session = await createSession(db, await newUser(), lifetime, {}, t0);
    expect(
      await findActiveSession(db, session.token, lifetime, new Date(t0.getTime() + minutes(59))),
    ).not.toBeNull();
    // That request slid the idle expiry to 59 + 60 minutes.
    expect(
      await findActiveSession(db, session.token, lifetime, new Date(t0.getTime() + minutes(118))),
    ).not.toBeNull();
    expect(
      await findActiveSession(db, session.token, lifetime, new Date(t0.getTime() + minutes(118 + 61))),
    ).toBeNull();
  });

  it('ends a session at the absolute limit however active it is', async () => {
    const db = server.lexbridge.store.db;
    const t0 = new Date('2030-02-01T08:00:00Z');
    const session = await createSession(db, await newUser(), lifetime, {}, t0);
    let t = t0.getTime();
    for (let i = 0; i < 14; i++) {
      t += minutes(50);
      expect(await findActiveSession(db, session.token, lifetime, new Date(t))).not.toBeNull();
    }
    expect(
      await findActiveSession(db, session.token, lifetime, new Date(t0.getTime() + 12 * 3_600_000 + 1000)),
    ).toBeNull();
  });

  it('knows nothing of an unknown token', async () => {
    expect(await findActiveSession(server.lexbridge.store.db, 'no-such-token', lifetime)).toBeNull();
  });
});

describe('GET /api/admin/audit', () => {
  it('lists events newest first with filters and keyset paging', async () => {
    const db = server.lexbridge.store.db;
    const admin = await signIn(server.lexbridge, { roles: ['Admin'] });
    const actor = randomUUID();
    for (const [action, outcome] of [
      ['auth.sign_in', 'success'],
      ['auth.sign_out', 'success'],
      ['access.denied', 'denied'],
      ['auth.sign_in', 'failure'],
    ] as const) {
      await recordAudit(db, { action, outcome, actorUserId: actor, actorLabel: 'pat@firm.test' });
    }
    const get = async (query: string) => {
      const res = await fetch(`${server.url}/api/admin/audit?${query}`, {
        headers: { cookie: admin.cookie },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        events: { id: number; action: string; outcome: string; at: string }[];
        nextBefore: number | null;
      };
    };

    const mine = await get(`actorUserId=${actor}`);
    expect(mine.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'auth.sign_in:failure',
      'access.denied:denied',
      'auth.sign_out:success',
      'auth.sign_in:success',
    ]);
    expect(mine.nextBefore).toBeNull();

    const page1 = await get(`actorUserId=${actor}&action=auth.&limit=2`);
    expect(page1.events.map((e) => e.action)).toEqual(['auth.sign_in', 'auth.sign_out']);
    expect(page1.nextBefore).toBe(page1.events[1]!.id);
    const page2 = await get(`actorUserId=${actor}&action=auth.&limit=2&before=${page1.nextBefore}`);
    expect(page2.events.map((e) => `${e.action}:${e.outcome}`)).toEqual(['auth.sign_in:success']);
    expect(page2.nextBefore).toBeNull();

    expect((await get(`actorUserId=${actor}&outcome=denied`)).events.map((e) => e.action)).toEqual([
      'access.denied',
    ]);
    expect((await get(`actorUserId=${actor}&action=auth.sign_out`)).events).toHaveLength(1);
    expect((await get(`actorUserId=${actor}&from=2999-01-01T00:00:00Z`)).events).toEqual([]);
    expect((await get(`actorUserId=${actor}&to=2000-01-01T00:00:00Z`)).events).toEqual([]);
    expect(new Date(mine.events[0]!.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('is open to Connector Admins and refuses bad filters with validation_failed', async () => {
    const connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
    expect(
      (await fetch(`${server.url}/api/admin/audit`, { headers: { cookie: connectorAdmin.cookie } })).status,
    ).toBe(200);
    const bad = await fetch(`${server.url}/api/admin/audit?limit=0&outcome=maybe`, {
      headers: { cookie: connectorAdmin.cookie },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });
});

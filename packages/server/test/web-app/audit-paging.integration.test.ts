import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/record.ts';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

// The Admin page's audit log pages through GET /api/admin/audit: a page size (limit), the cursor of
// the next older page (nextBefore, passed back as before) and how many events match the filters in
// all (total), the same on every page, so the page can say "Events 3–4 of 5" and "Page 2 of 3".

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

interface Page {
  events: { id: number; action: string }[];
  nextBefore: number | null;
  total: number;
}

describe('audit log paging', () => {
  it('gives the total of matching events on every page and walks them with the cursor', async () => {
    const db = server.lexbridge.store.db;
    const admin = await signIn(server.lexbridge, { roles: ['Admin'] });
    const actor = randomUUID();
    for (let i = 1; i <= 5; i++)
      await recordAudit(db, { action: `connector.step_${i}`, outcome: 'success', actorUserId: actor });
    await recordAudit(db, { action: 'auth.sign_in', outcome: 'failure', actorUserId: actor });
    const get = async (query: string): Promise<Page> => {
      const res = await fetch(`${server.url}/api/admin/audit?actorUserId=${actor}&${query}`, {
        headers: { cookie: admin.cookie },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    };

    const seen: string[] = [];
    let before: number | null | undefined;
    const totals: number[] = [];
    do {
      const page = await get(`action=connector.&limit=2${before ? `&before=${before}` : ''}`);
      totals.push(page.total);
      seen.push(...page.events.map((e) => e.action));
      before = page.nextBefore;
    } while (before);
    expect(totals).toEqual([5, 5, 5]);
    expect(seen).toEqual([5, 4, 3, 2, 1].map((i) => `connector.step_${i}`));

    const all = await get('limit=100');
    expect(all.total).toBe(6);
    expect(all.nextBefore).toBeNull();
    expect((await get('outcome=failure')).total).toBe(1);
    expect((await get('from=2999-01-01T00:00:00Z')).total).toBe(0);
  });
});

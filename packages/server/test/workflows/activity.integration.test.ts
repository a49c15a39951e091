import { randomUUID } from 'node:crypto';
import type { RunStatus, WorkflowRunList } from '@lexbridge/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowRuns, workflows } from '../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

// GET /api/workflow-runs: runs across workflows, newest first. The runs are written straight into the
// database with chosen times and ids, so the expected order is known exactly: rank 0 is the oldest.

let server: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let admin: SignedIn;
let connectorAdmin: SignedIn;
let plugin: SignedIn;

const t0 = Date.parse('2025-03-01T09:00:00Z');
const rankId = (rank: number) => `00000000-0000-4000-8000-${rank.toString(16).padStart(12, '0')}`;
/** Run 24 is one microsecond older than run 25 but has the larger id: a cursor that kept only milliseconds would skip it. */
const bigId = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

interface Planted {
  rank: number;
  id: string;
  workflow: 'a1' | 'a2' | 'b' | 'publish' | 'deleted';
  status: RunStatus;
}
const planted: Planted[] = [];
const workflowIds = {
  a1: randomUUID(),
  a2: randomUUID(),
  b: randomUUID(),
  publish: randomUUID(),
  deleted: randomUUID(),
};

/** Visible runs, newest first, as the API should list them for the given owners. */
function expected(owners: Array<'alice' | 'bob'>, status?: string[]): string[] {
  const ofOwner = { a1: 'alice', a2: 'alice', b: 'bob' } as const;
  return planted
    .filter(
      (p) => p.workflow !== 'publish' && p.workflow !== 'deleted' && owners.includes(ofOwner[p.workflow]),
    )
    .filter((p) => !status || status.includes(p.status))
    .sort((x, y) => y.rank - x.rank)
    .map((p) => p.id);
}

async function list(
  who: SignedIn | null,
  query = '',
): Promise<{ status: number; body: WorkflowRunList & { error?: { code: string } } }> {
  const res = await fetch(`${server.url}/api/workflow-runs${query}`, {
    headers: who ? { cookie: who.cookie } : {},
  });
  return { status: res.status, body: (await res.json()) as WorkflowRunList & { error?: { code: string } } };
}

/** Follows nextCursor from the first page to the last; every id in order. */
async function walk(who: SignedIn, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page++) {
    const res = await list(who, `?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.runs.map((r) => r.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('paging did not end');
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await signIn(server.lexbridge, { roles: ['User'], name: 'Alice' });
  bob = await signIn(server.lexbridge, { roles: ['User'], name: 'Bob' });
  admin = await signIn(server.lexbridge, { roles: ['Admin'] });
  connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  plugin = await signIn(server.lexbridge, { roles: ['PluginUser'] });
  const db = server.lexbridge.store.db;
  const workflow = (
    id: string,
    ownerId: string,
    name: string,
    type: (typeof workflows.$inferInsert)['type'],
    deleted = false,
  ) => ({
    id,
    ownerId,
    name,
    type,
    sourceLocation: { id: '', name: '', path: '' },
    targetLocation: { id: '', name: '', path: '' },
    deletedAt: deleted ? new Date() : null,
  });
  await db
    .insert(workflows)
    .values([
      workflow(workflowIds.a1, alice.userId, 'Alice copy', 'copy'),
      workflow(workflowIds.a2, alice.userId, 'Alice sync', 'one_way_sync'),
      workflow(workflowIds.b, bob.userId, 'Bob move', 'move'),
      workflow(workflowIds.publish, alice.userId, 'publish channel', 'publish'),
      workflow(workflowIds.deleted, alice.userId, 'Alice deleted', 'copy', true),
    ]);
  const cycle = ['a1', 'a2', 'b', 'publish', 'a1', 'deleted', 'b', 'a2'] as const;
  for (let rank = 0; rank < 90; rank++) {
    const wf = cycle[rank % cycle.length]!;
    // One active run per workflow at most: the newest of a2 runs, the newest of b is queued.
    const status = rank === 87 ? 'running' : rank === 86 ? 'queued' : rank % 5 === 0 ? 'failed' : 'succeeded';
    planted.push({ rank, id: rank === 24 ? bigId : rankId(rank), workflow: wf, status });
  }
  expect(planted.find((p) => p.rank === 87)?.workflow).toBe('a2');
  expect(planted.find((p) => p.rank === 86)?.workflow).toBe('b');
  await db.insert(workflowRuns).values(
    planted.map((p) => ({
      id: p.id,
      workflowId: workflowIds[p.workflow],
      status: p.status,
      // Ranks 16 and 17 share a time (the id decides); ranks 24 and 25 differ by a microsecond, below.
      createdAt: new Date(t0 + (p.rank === 17 ? 16 : p.rank === 25 ? 24 : p.rank) * 1000),
      startedAt: p.status === 'queued' ? null : new Date(t0 + p.rank * 1000),
      finishedAt: p.status === 'queued' || p.status === 'running' ? null : new Date(t0 + p.rank * 1000 + 500),
      planned: 10,
      done: p.status === 'running' ? 4 : 10,
      created: p.rank,
      failed: p.status === 'failed' ? 1 : 0,
      bytes: p.rank === 88 ? 5_000_000_000 : p.rank,
    })),
  );
  await db.execute(
    sql`UPDATE workflow_runs SET created_at = created_at + interval '1 microsecond' WHERE id = ${rankId(25)}`,
  );
});
afterAll(async () => {
  await server?.close();
});

describe('GET /api/workflow-runs', () => {
  it('refuses Plugin Users and people not signed in, like the other workflow routes', async () => {
    const refused = await list(plugin);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    expect((await list(null)).status).toBe(401);
  });

  it("a User sees only their own workflows' runs, newest first, with the workflow's name and type", async () => {
    const res = await list(alice, '?limit=200');
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r) => r.id)).toEqual(expected(['alice']));
    expect(res.body.nextCursor).toBeNull();
    const running = res.body.runs.find((r) => r.status === 'running')!;
    expect(running).toMatchObject({
      id: rankId(87),
      workflowId: workflowIds.a2,
      workflowName: 'Alice sync',
      workflowType: 'one_way_sync',
      ownerId: alice.userId,
      ownerName: 'Alice',
      status: 'running',
      planned: 10,
      done: 4,
      finishedAt: null,
      counts: { created: 87, updated: 0, deleted: 0, skipped: 0, failed: 0 },
      bytes: 87,
    });
    expect(running.startedAt).toBe(new Date(t0 + 87_000).toISOString());
    const bobs = await list(bob, '?limit=200');
    expect(bobs.body.runs.map((r) => r.id)).toEqual(expected(['bob']));
    expect(bobs.body.runs.find((r) => r.status === 'queued')).toMatchObject({
      id: rankId(86),
      workflowName: 'Bob move',
      workflowType: 'move',
      status: 'queued',
      startedAt: null,
    });
  });

  it("Admins and Connector Admins see everyone's runs; publish channels' and deleted workflows' runs never appear", async () => {
    for (const who of [admin, connectorAdmin]) {
      const res = await list(who, '?limit=200');
      expect(res.status).toBe(200);
      expect(res.body.runs.map((r) => r.id)).toEqual(expected(['alice', 'bob']));
    }
    const all = (await list(admin, '?limit=200')).body.runs;
    expect(
      all.some((r) => r.workflowId === workflowIds.publish || r.workflowId === workflowIds.deleted),
    ).toBe(false);
    expect(all.find((r) => r.id === rankId(88))?.bytes).toBe(5_000_000_000);
  });

  it('pages with the cursor through ties and microsecond differences without gaps or repeats', async () => {
    const everything = expected(['alice', 'bob']);
    expect(everything.length).toBeGreaterThan(50);
    // Order around the tie (same time, larger id first) and the microsecond pair (newer first despite the smaller id).
    expect(everything.indexOf(rankId(17))).toBe(everything.indexOf(rankId(16)) - 1);
    expect(everything.indexOf(rankId(25))).toBe(everything.indexOf(bigId) - 1);
    expect(await walk(admin, 'limit=1')).toEqual(everything);
    expect(await walk(admin, 'limit=7')).toEqual(everything);
    expect(await walk(alice, 'limit=3')).toEqual(expected(['alice']));
  });

  it('the default page holds 50 runs, the largest 200, and a made-up cursor is refused', async () => {
    const first = await list(admin);
    expect(first.body.runs.map((r) => r.id)).toEqual(expected(['alice', 'bob']).slice(0, 50));
    expect(first.body.nextCursor).not.toBeNull();
    const second = await list(admin, `?cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.runs.map((r) => r.id)).toEqual(expected(['alice', 'bob']).slice(50));
    expect(second.body.nextCursor).toBeNull();
    expect((await list(admin, '?limit=201')).status).toBe(400);
    expect((await list(admin, '?limit=0')).status).toBe(400);
    const bad = await list(admin, '?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('validation_failed');
  });

  it('filters by status, and lists only runs created before a given time', async () => {
    const active = await list(admin, '?status=running,queued');
    expect(active.body.runs.map((r) => [r.id, r.status])).toEqual([
      [rankId(87), 'running'],
      [rankId(86), 'queued'],
    ]);
    const failed = await list(alice, '?status=failed&limit=200');
    expect(failed.body.runs.map((r) => r.id)).toEqual(expected(['alice'], ['failed']));
    expect(failed.body.runs.length).toBeGreaterThan(2);
    expect(await walk(admin, 'status=failed&limit=2')).toEqual(expected(['alice', 'bob'], ['failed']));
    const unknown = await list(admin, '?status=finished');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('validation_failed');

    const before = new Date(t0 + 30_000).toISOString();
    const older = await list(admin, `?before=${encodeURIComponent(before)}&limit=200`);
    const ranksBelow30 = new Set(planted.filter((p) => p.rank < 30).map((p) => p.id));
    expect(older.body.runs.map((r) => r.id)).toEqual(
      expected(['alice', 'bob']).filter((id) => ranksBelow30.has(id)),
    );
    expect((await list(admin, '?before=yesterday')).status).toBe(400);
  });
});

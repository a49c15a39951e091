import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow } from '../../src/workflows/service.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot } from '../workflows/helpers.ts';

/** Pre-flight says another person's workflow is in the way without naming it to a plain User. */
let server: TestServer;
let root: string;
let source: { id: string };
let target: { id: string };

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  source = await createLocalConnector(server.lexbridge, root, 'src');
  target = await createLocalConnector(server.lexbridge, root, 'dst');
  const alice = await signIn(server.lexbridge, { roles: ['User'] });
  await createWorkflow(
    server.lexbridge,
    { id: alice.userId, roles: ['User'] },
    {
      name: 'Alice secret matter mirror',
      type: 'one_way_sync',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    },
    { startNow: false },
  );
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

async function preflight(who: SignedIn) {
  const res = await fetch(`${server.url}/api/workflows/preflight`, {
    method: 'POST',
    headers: { ...who.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    }),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  const conflict = (
    JSON.parse(text) as { checks: { check: string; message: string; conflicts?: { name: string }[] }[] }
  ).checks.find((c) => c.check === 'workflow_conflict');
  return { text, conflict };
}

describe('pre-flight conflicts', () => {
  it("tells a plain User that someone else's workflow is in the way, not its name or id", async () => {
    const bob = await signIn(server.lexbridge, { roles: ['User'] });
    const { text, conflict } = await preflight(bob);
    expect(conflict?.message).toMatch(/1 of other people's \(an Admin or a Connector Admin can see which\)/);
    expect(conflict?.conflicts ?? []).toEqual([]);
    expect(text).not.toContain('Alice secret matter mirror');
  });

  it('names it to an Admin, who may see every workflow', async () => {
    const admin = await signIn(server.lexbridge, { roles: ['Admin'] });
    const { conflict } = await preflight(admin);
    expect(conflict?.message).toContain('"Alice secret matter mirror"');
    expect(conflict?.conflicts?.map((c) => c.name)).toEqual(['Alice secret matter mirror']);
  });
});

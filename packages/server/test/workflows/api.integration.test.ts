import { rm } from 'node:fs/promises';
import type { LocationListing, PreflightResult, RunItem, Workflow, WorkflowRun } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../src/store/schema.ts';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot, readTree, writeTree } from './helpers.ts';

let server: TestServer;
let root: string;
let user: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root }, workers: true });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  admin = await signIn(server.lexbridge, { roles: ['Admin'] });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const call = apiCaller(() => server.url);

/** Reads the run's server-sent events until `end`; returns every progress event. */
async function followRun(who: SignedIn, runId: string): Promise<WorkflowRun[]> {
  const res = await fetch(`${server.url}/api/workflow-runs/${runId}/events`, { headers: who.headers });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const text = await res.text(); // the server ends the stream after the `end` event
  const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({
    event: m[1],
    run: JSON.parse(m[2]!) as WorkflowRun,
  }));
  expect(events.at(-1)?.event).toBe('end');
  return events.map((e) => e.run);
}

describe('workflows API', () => {
  let source: { id: string; path: string };
  let target: { id: string; path: string };
  let created: Workflow;

  it('a PluginUser may not create workflows', async () => {
    const plugin = await signIn(server.lexbridge, { roles: ['PluginUser'] });
    const res = await call<{ error: { code: string } }>(plugin, 'POST', '/api/workflows', {});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('creates a sync, runs it on the queue and streams its progress to the end', async () => {
    source = await createLocalConnector(server.lexbridge, root, 'src');
    target = await createLocalConnector(server.lexbridge, root, 'dst');
    await writeTree(source.path, {
      'Clients/Acme/contract.docx': 'signed',
      'Clients/Acme/notes.txt': 'n',
      'readme.txt': 'r',
    });
    await writeTree(target.path, { 'Mirror/.keep': '' });

    const browse = await call<LocationListing>(
      user,
      'GET',
      `/api/workflows/locations?connectorId=${source.id}&id=Clients`,
    );
    expect(browse.body.children).toEqual([{ id: 'Clients/Acme', name: 'Acme', kind: 'folder' }]);
    expect([browse.body.holdsDocuments, browse.body.siteSearch]).toEqual([true, undefined]);

    const res = await call<Workflow>(user, 'POST', '/api/workflows', {
      name: 'Acme mirror',
      type: 'one_way_sync',
      source: { connectorId: source.id, id: 'Clients' },
      target: { connectorId: target.id, id: 'Mirror' },
    });
    expect(res.status).toBe(201);
    created = res.body;
    expect(created.source.path).toBe('src / Clients');
    expect(created.triggers.fileDeleted).toBe(true);
    // Queued, or already taken by a worker: a job wakes one at once (LISTEN/NOTIFY).
    expect(['queued', 'running']).toContain(created.lastRun?.status);

    const events = await followRun(user, created.lastRun!.id);
    const final = events.at(-1)!;
    expect(final.status).toBe('succeeded');
    expect(final.counts).toEqual({ created: 3, updated: 0, deleted: 0, skipped: 0, failed: 0 });
    expect(final.bytes).toBe(7);
    expect(final.done).toBe(final.planned);
    expect(await readTree(target.path)).toEqual({
      'Mirror/': '',
      'Mirror/.keep': '',
      'Mirror/Acme/': '',
      'Mirror/Acme/contract.docx': 'signed',
      'Mirror/Acme/notes.txt': 'n',
    });

    const items = await call<{ items: RunItem[] }>(user, 'GET', `/api/workflow-runs/${final.id}/items`);
    expect(items.body.items.map((i) => i.targetPath).sort()).toEqual([
      'Acme',
      'Acme/contract.docx',
      'Acme/notes.txt',
    ]);
  });

  it('runs now, dry runs, and keeps the history with counts', async () => {
    await writeTree(source.path, { 'Clients/Acme/new.txt': 'new' });
    const dry = await call<WorkflowRun>(user, 'POST', `/api/workflows/${created.id}/run?dryRun=true`);
    expect(dry.status).toBe(202);
    const dryEnd = (await followRun(user, dry.body.id)).at(-1)!;
    expect(dryEnd).toMatchObject({ status: 'succeeded', dryRun: true, counts: { created: 1 } });
    expect((await readTree(target.path))['Mirror/Acme/new.txt']).toBeUndefined();

    const real = await call<WorkflowRun>(user, 'POST', `/api/workflows/${created.id}/run`);
    expect((await followRun(user, real.body.id)).at(-1)).toMatchObject({
      status: 'succeeded',
      counts: { created: 1 },
    });
    expect((await readTree(target.path))['Mirror/Acme/new.txt']).toBe('new');

    const history = await call<{ runs: WorkflowRun[] }>(user, 'GET', `/api/workflows/${created.id}/runs`);
    expect(history.body.runs.map((r) => [r.dryRun, r.status, r.counts.created])).toEqual([
      [false, 'succeeded', 1],
      [true, 'succeeded', 1],
      [false, 'succeeded', 3],
    ]);
    expect(history.body.runs[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('pre-flight blocks an overlapping sync but allows a copy', async () => {
    const other = await createLocalConnector(server.lexbridge, root, 'other');
    const check = await call<PreflightResult>(user, 'POST', '/api/workflows/preflight', {
      source: { connectorId: other.id, id: '' },
      target: { connectorId: target.id, id: 'Mirror/Acme' },
    });
    expect(check.status).toBe(200);
    expect(check.body.allowedTypes).toEqual(['copy']);
    const conflict = check.body.checks.find((c) => c.check === 'workflow_conflict')!;
    expect(conflict.ok).toBe(false);
    expect(conflict.conflicts).toEqual([{ id: created.id, name: 'Acme mirror', type: 'one_way_sync' }]);

    const refused = await call<{ error: { code: string } }>(user, 'POST', '/api/workflows', {
      name: 'clash',
      type: 'one_way_sync',
      source: { connectorId: other.id, id: '' },
      target: { connectorId: target.id, id: 'Mirror/Acme' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('workflow_preflight_failed');

    const self = await call<PreflightResult>(user, 'POST', '/api/workflows/preflight', {
      source: { connectorId: source.id, id: '' },
      target: { connectorId: source.id, id: 'Clients/Acme' },
    });
    expect(self.body.allowedTypes).toEqual([]);
  });

  it('users see only their own workflows; admins see all', async () => {
    const stranger = await signIn(server.lexbridge, { roles: ['User'] });
    expect((await call<{ workflows: Workflow[] }>(stranger, 'GET', '/api/workflows')).body.workflows).toEqual(
      [],
    );
    const hidden = await call<{ error: { code: string } }>(stranger, 'GET', `/api/workflows/${created.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('workflow_not_found');
    expect((await call(stranger, 'GET', `/api/workflow-runs/${created.lastRun!.id}`)).status).toBe(404);
    const all = await call<{ workflows: Workflow[] }>(admin, 'GET', '/api/workflows');
    expect(all.body.workflows.map((w) => w.id)).toContain(created.id);
    const renamed = await call<Workflow>(admin, 'PATCH', `/api/workflows/${created.id}`, {
      name: 'Acme mirror (admin)',
      triggers: { fileDeleted: false },
    });
    expect(renamed.body).toMatchObject({
      name: 'Acme mirror (admin)',
      triggers: { fileDeleted: false, fileCreated: true },
    });
  });

  it('a workflow paused for re-authorisation does not run', async () => {
    await server.lexbridge.store.db
      .update(workflows)
      .set({ status: 'paused', pauseReason: 'reauthorise' })
      .where(eq(workflows.id, created.id));
    const res = await call<{ error: { code: string; message: string } }>(
      user,
      'POST',
      `/api/workflows/${created.id}/run`,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('workflow_paused');
    expect(res.body.error.message).toMatch(/Re-authorise/);
    const resumed = await call<Workflow>(user, 'PATCH', `/api/workflows/${created.id}`, { status: 'active' });
    expect(resumed.body).toMatchObject({ status: 'active', pauseReason: null });
  });

  it('deletes a workflow', async () => {
    expect((await call(user, 'DELETE', `/api/workflows/${created.id}`)).status).toBe(204);
    expect((await call(user, 'GET', `/api/workflows/${created.id}`)).status).toBe(404);
  });
});

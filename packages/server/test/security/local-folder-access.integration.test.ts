import { mkdir, rm } from 'node:fs/promises';
import { workflowTypes } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors, workflowRuns } from '../../src/store/schema.ts';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createRoot, finishRun, readTree, writeTree } from '../workflows/helpers.ts';

/**
 * Local folders cannot tell people apart, so Connector Admins decide who may read and write each one,
 * and publish destinations are for Connector Admins only. The attack pass emptied a client portal with
 * a User's Move out of a destination's folder; these tests repeat it and its variants over HTTP.
 */
let server: TestServer;
let root: string;
let connectorAdmin: SignedIn;
let user: SignedIn;
let named: SignedIn;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  named = await signIn(server.lexbridge, { roles: ['User'], email: 'Paralegal@Firm.test' });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const api = apiCaller(() => server.url);

/** A local-folder connector as a Connector Admin creates it on the Connectors page. */
async function localFolder(name: string, files: Record<string, string>, use: Record<string, string> = {}) {
  const path = `${root}/${name}`;
  await mkdir(path, { recursive: true });
  await writeTree(path, files);
  const created = await api(connectorAdmin, 'POST', '/api/connectors', {
    type: 'local-folder',
    name,
    config: { path, ...use },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, path };
}

async function createWorkflow(who: SignedIn, body: Record<string, unknown>) {
  return api(who, 'POST', '/api/workflows', { name: `wf-${Math.random()}`, ...body });
}

async function runFirst(workflowId: string) {
  const [run] = await server.lexbridge.store.db
    .select()
    .from(workflowRuns)
    .where(eq(workflowRuns.workflowId, workflowId));
  return finishRun(server.lexbridge, run!.id);
}

describe('local-folder access', () => {
  it("refuses a User's Move out of a publish destination's folder, and leaves the folder as it was", async () => {
    const portal = await localFolder(
      'portal',
      { 'pub/letter.txt': 'for the client', 'mine/.keep': '' },
      {
        mayRead: 'User',
        mayWrite: 'User',
      },
    );
    const destination = await api(connectorAdmin, 'POST', '/api/publish-destinations', {
      name: 'Client portal',
      connectorId: portal.id,
      locationId: 'pub',
    });
    expect(destination.status).toBe(201);

    for (const [source, target] of [
      ['pub', 'mine'],
      ['', 'mine'], // a folder that contains the destination
      ['mine', 'pub'],
    ]) {
      const move = await createWorkflow(user, {
        type: 'move',
        source: { connectorId: portal.id, id: source },
        target: { connectorId: portal.id, id: target },
      });
      expect(move.status).toBe(409);
      expect(move.body.error.code).toBe('workflow_preflight_failed');
      const check = move.body.error.details.checks.find(
        (c: { check: string }) => c.check === 'publish_destination',
      );
      expect(check).toMatchObject({ ok: false, blocks: [...workflowTypes] });
      expect(JSON.stringify(move.body)).not.toContain('Client portal');
    }
    const preflight = await api(user, 'POST', '/api/workflows/preflight', {
      source: { connectorId: portal.id, id: 'pub' },
      target: { connectorId: portal.id, id: 'mine' },
    });
    expect(preflight.body.allowedTypes).toEqual([]);
    expect(await readTree(portal.path)).toEqual({
      'pub/': '',
      'pub/letter.txt': 'for the client',
      'mine/': '',
      'mine/.keep': '',
    });

    const byAdmin = await createWorkflow(connectorAdmin, {
      type: 'copy',
      source: { connectorId: portal.id, id: 'pub' },
      target: { connectorId: portal.id, id: 'mine' },
    });
    expect(byAdmin.status).toBe(201);
  });

  it('a new local folder is for Connector Admins only', async () => {
    const created = await localFolder('admins-only', { 'a.txt': 'a' });
    const [row] = await server.lexbridge.store.db
      .select()
      .from(connectors)
      .where(eq(connectors.id, created.id));
    expect(row!.config).toMatchObject({ mayRead: ['ConnectorAdmin'], mayWrite: ['ConnectorAdmin'] });
    const browse = await api(user, 'GET', `/api/workflows/locations?connectorId=${created.id}&id=`);
    expect(browse.status).toBe(403);
    expect(browse.body.error.code).toBe('content_access_denied');
    expect(browse.body.error.message).toContain('Connector Admin');
  });

  it('a User with read only may copy out of the folder but not write into it; a person named by email may', async () => {
    const matters = await localFolder(
      'matters',
      { 'Acme/brief.txt': 'brief' },
      {
        mayRead: 'User',
        mayWrite: 'paralegal@firm.test',
      },
    );
    const scratch = await localFolder('scratch', {}, { mayRead: 'User', mayWrite: 'User' });

    const into = await createWorkflow(user, {
      type: 'copy',
      source: { connectorId: scratch.id, id: '' },
      target: { connectorId: matters.id, id: '' },
    });
    expect(into.status).toBe(409);
    expect(into.body.error.code).toBe('workflow_preflight_failed');
    const permission = into.body.error.details.checks.find(
      (c: { check: string }) => c.check === 'permission',
    );
    expect(permission.ok).toBe(false);
    const moveOut = await createWorkflow(user, {
      type: 'move',
      source: { connectorId: matters.id, id: '' },
      target: { connectorId: scratch.id, id: '' },
    });
    expect(moveOut.status).toBe(409);

    const copyOut = await createWorkflow(user, {
      type: 'copy',
      source: { connectorId: matters.id, id: '' },
      target: { connectorId: scratch.id, id: '' },
    });
    expect(copyOut.status).toBe(201);
    const out = await runFirst(copyOut.body.id);
    expect(out.run.status).toBe('succeeded');
    expect(await readTree(scratch.path)).toMatchObject({ 'Acme/brief.txt': 'brief' });

    const byEmail = await createWorkflow(named, {
      type: 'copy',
      source: { connectorId: scratch.id, id: '' },
      target: { connectorId: matters.id, id: 'Acme' },
    });
    expect(byEmail.status).toBe(201);
    expect((await runFirst(byEmail.body.id)).run.status).toBe('succeeded');
    expect(await readTree(matters.path)).toMatchObject({ 'Acme/Acme/brief.txt': 'brief' });
  });

  it('a run whose owner lost write stops as it starts (workflow_access_changed) and writes nothing', async () => {
    const source = await localFolder('incoming', { 'one.txt': '1', 'two.txt': '2' }, { mayRead: 'User' });
    const target = await localFolder('archive', {}, { mayRead: 'User', mayWrite: 'User' });
    const workflow = await createWorkflow(user, {
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
      startNow: false,
    });
    expect(workflow.status).toBe(201);
    const edited = await api(connectorAdmin, 'PATCH', `/api/connectors/${target.id}`, {
      config: { mayWrite: 'ConnectorAdmin' },
    });
    expect(edited.status).toBe(200);

    const run = await api(user, 'POST', `/api/workflows/${workflow.body.id}/run`);
    expect(run.status).toBe(202);
    const { run: done, items } = await finishRun(server.lexbridge, run.body.id);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'workflow_access_changed' });
    expect(items).toEqual([]);
    expect(await readTree(target.path)).toEqual({});
  });

  it('rejects a May read or May write entry that is neither a role nor an email address', async () => {
    const res = await api(connectorAdmin, 'POST', '/api/connectors', {
      type: 'local-folder',
      name: 'bad',
      config: { path: root, mayRead: 'Everyone' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'connector_config_invalid', details: { field: 'mayRead' } });
  });

  it('a Connector Admin may still do everything, a Move included', async () => {
    const locked = await localFolder('locked', { 'x.txt': 'x' });
    const elsewhere = await localFolder('elsewhere', {});
    const move = await createWorkflow(connectorAdmin, {
      type: 'move',
      source: { connectorId: locked.id, id: '' },
      target: { connectorId: elsewhere.id, id: '' },
    });
    expect(move.status).toBe(201);
    expect((await runFirst(move.body.id)).run.status).toBe('succeeded');
    expect(await readTree(elsewhere.path)).toEqual({ 'x.txt': 'x' });
    expect(await readTree(locked.path)).toEqual({});
  });
});

import { mkdir, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createRoot, finishRun, readTree, writeTree } from './helpers.ts';

/**
 * Pre-flight's access checks hold when a run starts, not only when the workflow was created: a folder
 * made a publish destination since, or May write taken away, stops the run before it touches anything.
 */
let server: TestServer;
let root: string;
let connectorAdmin: SignedIn;
let user: SignedIn;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const api = apiCaller(() => server.url);

async function localFolder(name: string, files: Record<string, string>) {
  const path = `${root}/${name}`;
  await mkdir(path, { recursive: true });
  await writeTree(path, files);
  const created = await api(connectorAdmin, 'POST', '/api/connectors', {
    type: 'local-folder',
    name,
    config: { path, mayRead: 'User', mayWrite: 'User' },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, path };
}

/** A User's Move from one folder into another, created (pre-flight passes) but not run yet. */
async function userMove(name: string) {
  const source = await localFolder(`${name}-source`, { 'Acme/brief.txt': 'brief', 'note.txt': 'note' });
  const target = await localFolder(`${name}-target`, { 'out/.keep': '' });
  const workflow = await api(user, 'POST', '/api/workflows', {
    name,
    type: 'move',
    source: { connectorId: source.id, id: '' },
    target: { connectorId: target.id, id: 'out' },
    startNow: false,
  });
  expect(workflow.status).toBe(201);
  return { source, target, workflowId: workflow.body.id as string };
}

async function runNowAndFinish(workflowId: string) {
  const run = await api(user, 'POST', `/api/workflows/${workflowId}/run`);
  expect(run.status).toBe(202);
  return finishRun(server.lexbridge, run.body.id as string);
}

describe('access checked again when a run starts', () => {
  it('a folder made a publish destination since stops the run, touching nothing', async () => {
    const { source, target, workflowId } = await userMove('portal');
    const destination = await api(connectorAdmin, 'POST', '/api/publish-destinations', {
      name: 'Client portal',
      connectorId: target.id,
      locationId: 'out',
    });
    expect(destination.status).toBe(201);

    const { run, items } = await runNowAndFinish(workflowId);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'workflow_access_changed' });
    expect(run.error).toMatch(/publish destination.*the run stopped before changing anything/);
    expect(items).toEqual([]);
    expect(await readTree(source.path)).toEqual({
      'Acme/': '',
      'Acme/brief.txt': 'brief',
      'note.txt': 'note',
    });
    expect(await readTree(target.path)).toEqual({ 'out/': '', 'out/.keep': '' });
  });

  it('May write taken from the owner since stops a Move, touching nothing', async () => {
    const { source, target, workflowId } = await userMove('revoked');
    const edited = await api(connectorAdmin, 'PATCH', `/api/connectors/${source.id}`, {
      config: { mayWrite: 'ConnectorAdmin' },
    });
    expect(edited.status).toBe(200);

    const { run, items } = await runNowAndFinish(workflowId);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'workflow_access_changed' });
    expect(run.error).toMatch(/^You may no longer change or delete items in/);
    expect(items).toEqual([]);
    expect(Object.keys(await readTree(source.path))).toHaveLength(3);
    expect(await readTree(target.path)).toEqual({ 'out/': '', 'out/.keep': '' });
  });
});

import { rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workflow, WorkflowRun } from '@lexbridge/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot, readTree, writeTree } from './helpers.ts';

// "Retry failed items" (POST /api/workflow-runs/{id}/retry): a new run that acts only on what failed in
// the workflow's latest run, for its owner (or an Admin / Connector Admin), never for someone else.

let server: TestServer;
let root: string;
let owner: SignedIn;
let stranger: SignedIn;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root }, workers: true });
  owner = await signIn(server.lexbridge, { roles: ['User'] });
  stranger = await signIn(server.lexbridge, { roles: ['User'] });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const call = apiCaller(() => server.url);

/** Polls the run until it has finished (bounded: 300 tries, 100 ms apart). */
async function finished(runId: string): Promise<WorkflowRun> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { body } = await call<WorkflowRun>(owner, 'GET', `/api/workflow-runs/${runId}`);
    if (body.finishedAt) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

describe('retry failed items', () => {
  it('retries only what failed, for the owner, and says plainly when there is nothing to retry', async () => {
    const source = await createLocalConnector(server.lexbridge, root, 'src');
    const target = await createLocalConnector(server.lexbridge, root, 'dst');
    await writeTree(source.path, { 'Acme/a.txt': 'alpha', 'Acme/b.txt': 'bravo', 'top.txt': 'top' });
    // A file where the folder Acme must go: the folder and both documents in it fail.
    await writeTree(target.path, { Acme: 'in the way' });
    const created = await call<Workflow>(owner, 'POST', '/api/workflows', {
      name: 'Acme copy',
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    });
    expect(created.status).toBe(201);
    const first = await finished(created.body.lastRun!.id);
    expect(first.status).toBe('partial');
    expect(first.counts).toMatchObject({ created: 1, failed: 3 });

    // The obstacle goes; meanwhile a new document appears, which a retry must leave alone.
    await unlink(join(target.path, 'Acme'));
    await writeTree(source.path, { 'later.txt': 'later' });

    const foreign = await call<{ error: { code: string } }>(
      stranger,
      'POST',
      `/api/workflow-runs/${first.id}/retry`,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('workflow_run_not_found');

    const retry = await call<WorkflowRun>(owner, 'POST', `/api/workflow-runs/${first.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.trigger).toBe('retry');
    const second = await finished(retry.body.id);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ created: 3, failed: 0 });
    expect(await readTree(target.path)).toEqual({
      'Acme/': '',
      'Acme/a.txt': 'alpha',
      'Acme/b.txt': 'bravo',
      'top.txt': 'top',
    });

    // Nothing failed in the retry; the first run is no longer the latest; a dry run changes nothing.
    for (const runId of [second.id, first.id]) {
      const refused = await call<{ error: { code: string; message: string } }>(
        owner,
        'POST',
        `/api/workflow-runs/${runId}/retry`,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('workflow_retry_unavailable');
      expect(refused.body.error.message).toMatch(/^[A-Z]/);
    }
    const dry = await call<WorkflowRun>(owner, 'POST', `/api/workflows/${created.body.id}/run?dryRun=true`);
    await finished(dry.body.id);
    const refusedDry = await call<{ error: { code: string } }>(
      owner,
      'POST',
      `/api/workflow-runs/${dry.body.id}/retry`,
    );
    expect(refusedDry.body.error.code).toBe('workflow_retry_unavailable');
  });
});

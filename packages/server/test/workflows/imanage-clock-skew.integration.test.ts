import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../src/store/schema.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from '../connectors/support.ts';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createAndRun, createLocalConnector, createRoot, finishRun } from './helpers.ts';

/**
 * A Work Server whose clock is an hour behind Lexbridge's: the change watermark comes from the
 * newest edit_date the source showed, so a change made after a full pass is found by the next
 * incremental run (with our clock, the search started an hour after the server's "now").
 */
const skewSeconds = -3600;
let server: TestServer;
let emulator: RunningEmulator;
let root: string;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  emulator = await startEmulatorFor(
    server,
    {},
    [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
    { clockSkewSeconds: skewSeconds },
  );
});
afterAll(async () => {
  await emulator?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('incremental sync against a Work Server whose clock is behind ours', () => {
  it('takes the watermark from the newest edit_date seen and misses no change', async () => {
    const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const imanageId = (await createImanageConnector(server, admin, emulator)).id;
    await authoriseThroughEmulator(server, user, imanageId);
    const folder = emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[0]!.id)[0]!;
    const target = await createLocalConnector(server.lexbridge, root, 'skew');
    const { workflow, run } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: imanageId, id: folder.id },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status).toBe('succeeded');
    const [synced] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));

    const changed = emulator.store.documentsIn(folder.id)[0]!;
    emulator.addDocumentVersion(`${changed.library}!${changed.number}`, 'changed after the full pass');
    emulator.clock.advance(6_000); // past the search index's lag
    const scheduled = await requestRun(server.lexbridge, synced!, {
      trigger: 'schedule',
      fullReconcile: false,
    });
    const incremental = await finishRun(server.lexbridge, scheduled.id);
    expect(incremental.run).toMatchObject({ status: 'succeeded', fullReconcile: false, updated: 1 });
    const ext = changed.versions.at(-1)!.extension;
    expect(await readFile(join(target.path, `${changed.name}${ext ? `.${ext}` : ''}`), 'utf8')).toBe(
      'changed after the full pass',
    );
    const [after] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    // On the server's clock: not after the server's "now", which is an hour before ours.
    expect(after!.changeWatermark!.getTime()).toBeLessThanOrEqual(emulator.clock.now());
  });
});

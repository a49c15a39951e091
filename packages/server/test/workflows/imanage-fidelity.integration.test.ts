import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { REAL_SERVER, type RunningEmulator } from '@lexbridge/imanage-emulator';
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
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createAndRun, createLocalConnector, createRoot, finishRun, readTree, writeTree } from './helpers.ts';

/**
 * The iManage connector against the emulator as a real Work Server behaves (every strictness option
 * on): document classes per workspace, a refused upload sent once, the server's checksum used only
 * in a format Lexbridge knows, the cursor inside `data`, and the special items of a workspace.
 */
let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let user: SignedIn;
let root: string;

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  emulator = await startEmulatorFor(server, {}, [
    { id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } },
  ]);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});
afterAll(async () => {
  await emulator?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

async function connector(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = (await createImanageConnector(server, admin, emulator, overrides)).id;
  await authoriseThroughEmulator(server, user, id);
  return id;
}

const workspace = (index: number) => emulator.store.workspacesIn('ACTIVE')[index]!;
const firstFolder = (index: number) => emulator.store.subfolders(workspace(index).id)[0]!;
const uploadsTo = (folderId: string) =>
  emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/folders/${folderId}/documents`));

describe('document classes', () => {
  it('files documents with the class set for their workspace, and the default elsewhere', async () => {
    const pleadings = workspace(1).id;
    emulator.strict = { ...REAL_SERVER, workspaceClasses: { [pleadings]: ['PLEADING'] } };
    const imanageId = await connector({ workspaceClasses: `${pleadings} = pleading`, documentClass: 'doc' });
    for (const [index, expected] of [
      [1, 'PLEADING'],
      [2, 'DOC'],
    ] as const) {
      const source = await createLocalConnector(server.lexbridge, root, `classes-${index}`);
      await writeTree(source.path, { 'Reply.docx': `reply ${index}` });
      const target = firstFolder(index);
      const { run, items } = await createAndRun(server.lexbridge, user, {
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: imanageId, id: target.id },
      });
      expect(items.filter((i) => i.outcome === 'failed')).toEqual([]);
      expect(run.status).toBe('succeeded');
      const reply = emulator.store.documentsIn(target.id).find((d) => d.name === 'Reply')!;
      expect(reply.docClass).toBe(expected);
    }
  });

  it('sends an upload iManage refuses (400) once, and the item says why', async () => {
    const strictWorkspace = workspace(3).id;
    emulator.strict = { ...REAL_SERVER, workspaceClasses: { [strictWorkspace]: ['AGREEMENT'] } };
    const imanageId = await connector();
    const source = await createLocalConnector(server.lexbridge, root, 'refused');
    await writeTree(source.path, { 'Lease.docx': 'the lease' });
    const target = firstFolder(3);
    const { run, items } = await createAndRun(server.lexbridge, user, {
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: imanageId, id: target.id },
    });
    expect(run.status).not.toBe('succeeded');
    const failed = items.filter((i) => i.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toContain('must have class AGREEMENT');
    expect(uploadsTo(target.id)).toEqual([
      { method: 'POST', path: expect.stringContaining(target.id), status: 400 },
    ]);
  });
});

describe('checksums', () => {
  it("verifies copies against the server's SHA256 in upper-case hex, and ignores a format it does not know", async () => {
    const imanageId = await connector();
    const folder = firstFolder(4);
    const documents = documentsUnder(folder.id);
    const downloads = () => emulator.requests.filter((r) => r.path.endsWith('/download')).length;

    emulator.strict = { ...REAL_SERVER, checksumFormat: 'base64' };
    const before = downloads();
    const unknown = await createLocalConnector(server.lexbridge, root, 'base64');
    const copied = await createAndRun(server.lexbridge, user, {
      type: 'copy',
      source: { connectorId: imanageId, id: folder.id },
      target: { connectorId: unknown.id, id: '' },
    });
    expect(copied.run).toMatchObject({ status: 'succeeded', failed: 0 });
    // Each document read once: no verification loop on a checksum in another format.
    expect(downloads() - before).toBe(documents.length);

    emulator.strict = { ...REAL_SERVER, checksumFormat: 'hex' };
    const wrong = documents[0]!.versions.at(-1)!;
    const kept = wrong.checksum;
    wrong.checksum = `SHA256:${'0'.repeat(64)}`;
    try {
      const target = await createLocalConnector(server.lexbridge, root, 'hex');
      const { items } = await createAndRun(server.lexbridge, user, {
        type: 'copy',
        source: { connectorId: imanageId, id: folder.id },
        target: { connectorId: target.id, id: '' },
      });
      const failed = items.filter((i) => i.outcome === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error).toContain('does not match the source checksum');
      expect(items.filter((i) => i.outcome === 'done' && i.kind === 'document')).toHaveLength(
        documents.length - 1,
      );
    } finally {
      wrong.checksum = kept;
    }
  });
});

describe('a scheduled run with the cursor inside data', () => {
  it('copies every new document, past the first page of 500', async () => {
    emulator.strict = { ...REAL_SERVER, cursorPlacement: 'data' };
    const imanageId = await connector();
    const folder = emulator.store.createFolder(workspace(0).id, { name: 'Bulk intake', owner: 'jsmith' });
    const add = (name: string) =>
      emulator.store.createDocument(folder.id, 'jsmith', {
        name,
        extension: 'txt',
        content: { kind: 'bytes', bytes: Buffer.from(name), sha256: sha256(name) },
      });
    add('first');
    emulator.clock.advance(6_000);
    const target = await createLocalConnector(server.lexbridge, root, 'bulk');
    const { workflow } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: imanageId, id: folder.id },
      target: { connectorId: target.id, id: '' },
    });
    for (let n = 0; n < 520; n++) add(`intake ${n}`);
    emulator.clock.advance(6_000);
    const [current] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    const scheduled = await requestRun(server.lexbridge, current!, {
      trigger: 'schedule',
      fullReconcile: false,
    });
    const { run } = await finishRun(server.lexbridge, scheduled.id);
    expect(run).toMatchObject({ status: 'succeeded', fullReconcile: false, created: 520, failed: 0 });
    const files = Object.keys(await readTree(target.path));
    expect(files).toHaveLength(521);
  });
});

describe('special items', () => {
  it('copies folders, tabs and emails of a workspace, never shortcuts, saved searches or categories', async () => {
    emulator.strict = { ...REAL_SERVER };
    const imanageId = await connector();
    const special = emulator.store.workspacesIn('ACTIVE').at(-1)!;
    const target = await createLocalConnector(server.lexbridge, root, 'special');
    const { run, items } = await createAndRun(server.lexbridge, user, {
      type: 'copy',
      source: { connectorId: imanageId, id: special.id },
      target: { connectorId: target.id, id: '' },
    });
    expect(items.filter((i) => i.outcome === 'failed')).toEqual([]);
    expect(run.status).toBe('succeeded');
    const tree = Object.keys(await readTree(target.path)).sort();
    expect(tree.filter((path) => path.endsWith('/'))).toEqual([
      'Correspondence/',
      'Matter tab/',
      'Matter tab/Filed under the tab/',
    ]);
    const files = tree.filter((path) => !path.endsWith('/'));
    expect(files).toHaveLength(4);
    expect(files.filter((path) => /\.(msg|eml)$/.test(path))).toHaveLength(2);
    expect(files).toContain('Matter tab/Filed under the tab/Tabbed note.txt');
    // The emails in iManage keep their profile fields: Lexbridge changed nothing there.
    const emails = emulator.store
      .documentsIn(emulator.store.subfolders(special.id)[0]!.id)
      .filter((d) => d.email);
    expect(emails).toHaveLength(2);
  });
});

/** Every document in a folder and its subfolders. */
function documentsUnder(folderId: string): ReturnType<RunningEmulator['store']['documentsIn']> {
  return [
    ...emulator.store.documentsIn(folderId),
    ...emulator.store.subfolders(folderId).flatMap((sub) => documentsUnder(sub.id)),
  ];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

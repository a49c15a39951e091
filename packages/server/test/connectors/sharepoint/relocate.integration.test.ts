import { randomBytes } from 'node:crypto';
import {
  CONNECTOR_SCOPES,
  quickXorHash,
  type RunningGraphEmulator,
  startGraphEmulator,
} from '@lexbridge/graph-emulator';
import type { Drive, DriveItem } from '@lexbridge/graph-emulator/model.ts';
import { ItemChanges } from '@lexbridge/graph-emulator/store/items.ts';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentItem } from '../../../src/connectors/content.ts';
import { SharepointContentStore } from '../../../src/connectors/sharepoint/content-store.ts';
import { GraphClient } from '../../../src/connectors/sharepoint/graph-client.ts';
import { alex } from './graph.ts';

/**
 * Moves between libraries over real HTTP against the Graph emulator, which refuses a PATCH move to
 * another drive as Graph v1.0 does: the SharePoint content store copies (verified by size and
 * quickXorHash) and deletes the original only after that, for a document and a folder tree, into
 * another library of the same site and into another site's drive; a failed copy or a refused delete
 * leaves the item where it was, and only there.
 */
let graph: RunningGraphEmulator;
let agent: Agent;
let store: SharepointContentStore;
let client: GraphClient;
let docs: Drive;
let filed: Drive;
let team: Drive;
let changes: ItemChanges;

const user = () => graph.store.findUser(alex)!;
const rootOf = (drive: Drive) => graph.store.item(drive.id, drive.rootId);
const driveNamed = (site: string, name: string) => {
  const found = [...graph.store.sites.values()].find((s) => s.displayName === site);
  const id = found?.driveIds.find((d) => graph.store.drive(d).name === name);
  if (!id) throw new Error(`no ${site} / ${name}`);
  return graph.store.drive(id);
};

async function putFile(parent: DriveItem, name: string, bytes: Buffer): Promise<DriveItem> {
  const blobId = await graph.store.blobs.putBytes(bytes);
  const content = { blobId, size: bytes.length, quickXorHash: quickXorHash(bytes), mimeType: 'text/plain' };
  return changes.putFile(parent, name, content, user(), 'fail').item;
}

const asItem = (item: DriveItem, kind: 'document' | 'folder'): ContentItem => ({
  id: `${item.driveId}/${item.id}`,
  kind,
  name: item.name,
  parentId: null,
});

const live = (item: DriveItem) => graph.store.items.get(item.id)?.deletedAt === undefined;

beforeAll(async () => {
  graph = await startGraphEmulator({ port: 0, seed: 5 });
  agent = new Agent({ connect: { ca: graph.caPem } });
  const app = graph.store.apps.get(graph.app.clientId)!;
  const token = graph.tokens.issueAccessToken(app, user(), CONNECTOR_SCOPES, graph.graphUrl).token;
  client = new GraphClient(graph.graphUrl, agent, { current: async () => token, renew: async () => token });
  store = new SharepointContentStore(client);
  changes = new ItemChanges(graph.store);
  docs = driveNamed('Matter 1001 - Acme v Globex', 'Documents');
  filed = driveNamed('Matter 1001 - Acme v Globex', 'Filed Documents');
  team = driveNamed('Acme Litigation Team', 'Documents');
});

afterAll(async () => {
  await graph?.close();
  await agent?.close();
});

describe('SharePoint moves between libraries (Graph emulator)', () => {
  it('Graph refuses a PATCH move into another drive, as v1.0 documents', async () => {
    const memo = await putFile(rootOf(docs), 'patch-me.txt', Buffer.from('stay'));
    await expect(
      client.json('PATCH', `/drives/${docs.id}/items/${memo.id}`, {
        json: { parentReference: { driveId: filed.id, id: filed.rootId } },
      }),
    ).rejects.toMatchObject({ details: { status: 400, graphCode: 'invalidRequest' } });
    expect(graph.store.item(docs.id, memo.id).parentId).toBe(docs.rootId);
  });

  it('moves a document into another library of the site: verified copy, then the original deleted', async () => {
    const bytes = randomBytes(6 * 1024 * 1024 + 99); // an upload session, not one PUT
    const original = await putFile(rootOf(docs), 'Brief.pdf', bytes);
    const moved = await store.relocate(asItem(original, 'document'), {
      parentId: `${filed.id}/root`,
      name: 'Brief (filed).pdf',
    });
    expect(moved).toMatchObject({
      kind: 'document',
      name: 'Brief (filed).pdf',
      parentId: `${filed.id}/root`,
    });
    const copy = graph.store.childNamed(rootOf(filed), 'Brief (filed).pdf')!;
    expect(moved.id).toBe(`${filed.id}/${copy.id}`);
    expect(copy.versions.at(-1)).toMatchObject({ size: bytes.length, quickXorHash: quickXorHash(bytes) });
    expect(graph.store.childNamed(rootOf(docs), 'Brief.pdf')).toBeUndefined();
  });

  it('moves a folder tree into another site: folders anew, each document verified, originals removed', async () => {
    const folder = changes.createFolder(rootOf(docs), 'Bundle', user(), 'fail');
    const inner = changes.createFolder(folder, 'Exhibits', user(), 'fail');
    await putFile(folder, 'index.txt', Buffer.from('index'));
    await putFile(inner, 'Exhibit B.txt', Buffer.from('exhibit b'));
    const moved = await store.relocate(asItem(folder, 'folder'), {
      parentId: `${team.id}/root`,
      name: 'Bundle',
    });
    const copy = graph.store.childNamed(rootOf(team), 'Bundle')!;
    expect(moved).toMatchObject({ id: `${team.id}/${copy.id}`, kind: 'folder' });
    expect(graph.store.childNamed(copy, 'index.txt')?.versions.at(-1)?.size).toBe(5);
    const exhibits = graph.store.childNamed(copy, 'Exhibits')!;
    expect(graph.store.childNamed(exhibits, 'Exhibit B.txt')?.versions.at(-1)?.size).toBe(9);
    expect(graph.store.childNamed(rootOf(docs), 'Bundle')).toBeUndefined();
  });

  it('keeps the original when the copy does not complete, and takes the copy back when the original cannot be deleted', async () => {
    const original = await putFile(rootOf(docs), 'Kept.txt', Buffer.from('keep me'));
    graph.addFault({ kind: 'error', status: 500, count: 1, path: 'Kept.txt:/content' });
    await expect(
      store.relocate(asItem(original, 'document'), { parentId: `${filed.id}/root`, name: 'Kept.txt' }),
    ).rejects.toMatchObject({ name: 'ContentError' });
    expect(live(original)).toBe(true);
    expect(graph.store.childNamed(rootOf(filed), 'Kept.txt')).toBeUndefined();

    // alex may only read the Acme site now: the copy into the team site succeeds, the delete is refused.
    const acme = [...graph.store.sites.values()].find(
      (s) => s.displayName === 'Matter 1001 - Acme v Globex',
    )!;
    const roles = { ...acme.roles };
    acme.roles[user().id] = 'read';
    try {
      await expect(
        store.relocate(asItem(original, 'document'), { parentId: `${team.id}/root`, name: 'Kept.txt' }),
      ).rejects.toMatchObject({ code: 'content_access_denied' });
    } finally {
      acme.roles = roles;
    }
    expect(live(original)).toBe(true);
    expect(graph.store.childNamed(rootOf(team), 'Kept.txt')).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authoriseAt } from '../connectors/sharepoint/graph.ts';
import {
  type Both,
  browseTo,
  imanageFiles,
  sharepointFiles,
  startBoth,
} from '../workflows/imanage-sharepoint.ts';
import { waitForPublish } from './support.ts';

/**
 * The client-portal case over real HTTP: a Connector Admin makes a client-shared Teams channel's files
 * folder a publish destination, and a person publishes an iManage folder into it (verified by size
 * and quickXorHash); publishing again after a new iManage version makes a new version of the same
 * SharePoint item and duplicates nothing.
 */
let both: Both;
let destinationId: string;
let channel: string;

const post = (path: string, who: Both['user'], body: unknown) =>
  fetch(`${both.server.url}${path}`, {
    method: 'POST',
    headers: { ...who.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  both = await startBoth({ workers: true, roles: ['User', 'PluginUser'] });
  const trip = await authoriseAt(
    both.server,
    both.graph,
    both.admin,
    both.sharepointId,
    'megan.bowen@contoso.onmicrosoft.com',
  );
  if (!trip.landing) throw new Error(`admin authorise: ${JSON.stringify(trip)}`);
  channel = await browseTo(both, ['Teams', 'Acme Litigation Team', 'Client - Acme']);
}, 60_000);

afterAll(async () => {
  await both?.close();
});

function sampleFolder() {
  const workspace = both.imanage.store.workspacesIn('ACTIVE')[0]!;
  return both.imanage.store.subfolders(workspace.id)[0]!;
}

async function publish(ids: string[]) {
  const res = await post('/api/publish/runs', both.user, { connectorId: both.imanageId, destinationId, ids });
  const started = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(started)).toBe(202);
  return waitForPublish(both.server, both.user, started.id);
}

describe('publishing into a Teams channel', () => {
  it('a Connector Admin makes the channel files folder a publish destination', async () => {
    const res = await post('/api/publish-destinations', both.admin, {
      name: 'Acme (client channel)',
      description: 'What Acme sees in Teams',
      connectorId: both.sharepointId,
      locationId: channel,
    });
    const body = (await res.json()) as { id: string; location: { id: string; path: string } };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.location.id).toBe(channel);
    expect(body.location.path).toContain('Client - Acme');
    destinationId = body.id;
  });

  it('publishes an iManage folder into it, verified, and a new version lands on the same item', async () => {
    const folder = sampleFolder();
    const [driveId, folderId] = channel.split('/') as [string, string];
    const already = sharepointFiles(both.graph, driveId, folderId); // the seeded status report
    const done = await publish([folder.id]);
    expect(done.run.status, JSON.stringify(done.run)).toBe('succeeded');
    expect(done.run.counts.failed).toBe(0);
    const expected = await imanageFiles(both.imanage, folder.id, `${folder.name}/`);
    expect(sharepointFiles(both.graph, driveId, folderId)).toEqual({ ...already, ...expected });

    const document = both.imanage.store.documentsIn(folder.id)[0]!;
    const path = `${folder.name}/${document.name}.${document.versions.at(-1)!.extension}`;
    const channelFolder = both.graph.store.item(driveId, folderId);
    const item = both.graph.store.resolvePath(channelFolder, path)!;
    const revised = randomBytes(30_000);
    both.imanage.addDocumentVersion(`${document.library}!${document.number}`, revised);
    both.imanage.clock.advance(6_000); // past the emulator's search index lag, as a real server's

    const again = await publish([folder.id]);
    expect(again.run.status).toBe('succeeded');
    expect(again.run.counts).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const after = both.graph.store.resolvePath(channelFolder, path)!;
    expect(after.id).toBe(item.id);
    expect(after.versions.map((v) => v.id)).toEqual(['1.0', '2.0']);
    expect(after.versions.at(-1)!.quickXorHash).toBe(quickXorHash(revised));
    expect(sharepointFiles(both.graph, driveId, folderId)).toEqual({
      ...already,
      ...(await imanageFiles(both.imanage, folder.id, `${folder.name}/`)),
    });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { describe, expect, it } from 'vitest';
import { signIn } from '../../support/lexbridge.ts';
import { createAndRun, createLocalConnector, readTree, runNow, writeTree } from '../../workflows/helpers.ts';
import { putFile, putFolder } from './graph.ts';
import { folderBrowser, useGraphLexbridge } from './graph-lexbridge.ts';

/**
 * SharePoint as a workflow source and target over real HTTP against the Graph emulator: the folder
 * browser (OneDrive, sites, Teams channels), a Copy out of a library with a download dropped half
 * way, a One-way sync into a Teams channel folder with a file large enough for an upload session
 * (a fragment cut off, throttling with Retry-After), and an edit that becomes a new version of the
 * same SharePoint item; the bearer token never reaches the download or upload host.
 */
const t = useGraphLexbridge();
const { browse, childId } = folderBrowser(t);

async function counters() {
  const res = await t.graph.fetch(`${t.graph.loginUrl}/__emulator/faults`);
  return (await res.json()) as {
    bearerOnPreauthenticated: number;
    droppedDownloads: number;
    resumedDownloads: number;
  };
}

const bearerLeaks = async () => (await counters()).bearerOnPreauthenticated;

/** A Graph token of alex's, as Graph's own answers are what the test compares with. */
async function graphToken(): Promise<string> {
  const app = t.graph.store.apps.get(t.graph.app.clientId)!;
  const upn = 'alex.wilber@contoso.onmicrosoft.com';
  return t.graph.tokens.issueAccessToken(
    app,
    t.graph.store.findUser(upn)!,
    ['Files.ReadWrite.All'],
    t.graph.graphUrl,
  ).token;
}

describe('SharePoint in workflows (Graph emulator)', () => {
  it('browses OneDrive, followed sites and their libraries, and Teams channels', async () => {
    const top = await browse('');
    expect(top.children.map((c) => c.name).sort()).toEqual([
      'All sites',
      'My OneDrive',
      'Sites I follow',
      'Teams',
    ]);
    const sites = await browse('sites:followed');
    expect(sites.children.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Matter 1001 - Acme v Globex', 'Matter 1002 - Northwind acquisition']),
    );
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    expect((await browse(matter)).children.map((c) => c.name).sort()).toEqual([
      'Documents',
      'Filed Documents',
    ]);
    const team = await childId('teams', 'Acme Litigation Team');
    const channel = await childId(team, 'Client - Acme');
    expect(channel).toMatch(/^[^:]+\/[^/]+$/);
    // The answer says where the picker may search sites and create folders (the web knows no ids).
    const offer = { label: 'Search sites by name', folderId: 'sites:search:{text}' };
    expect(top).toMatchObject({ holdsDocuments: false, siteSearch: offer });
    expect(sites).toMatchObject({ holdsDocuments: false, siteSearch: offer });
    const site = await browse(matter);
    expect([site.holdsDocuments, site.siteSearch]).toEqual([false, undefined]);
    expect((await browse(team)).holdsDocuments).toBe(false);
    const library = await browse(await childId(matter, 'Documents'));
    expect([library.holdsDocuments, library.siteSearch]).toEqual([true, undefined]);
    expect((await browse(channel)).holdsDocuments).toBe(true);
    const search = await browse(offer.folderId.replace('{text}', 'Northwind'));
    expect(search.children.map((c) => c.name)).toEqual(['Matter 1002 - Northwind acquisition']);
  });

  it('copies a library into a local folder, resuming a download cut off half way', async () => {
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    const library = await childId(matter, 'Documents');
    const drop = t.graph.addFault({ kind: 'dropDownload', count: 1, path: '/download/' });
    const target = await createLocalConnector(t.server.lexbridge, t.root, 'sp-copy');
    const { run } = await createAndRun(t.server.lexbridge, t.user, {
      type: 'copy',
      source: { connectorId: t.connectorId, id: library },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const tree = await readTree(target.path);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining(['Pleadings/', 'Correspondence/', 'Exhibit A.pdf']),
    );
    expect(tree['Exhibit A.pdf']?.length).toBeGreaterThan(0);
    expect(drop.count).toBe(0); // the cut-off download happened, and was resumed
    expect(await bearerLeaks()).toBe(0);
  });

  it('syncs a local folder into a Teams channel: upload session, throttling, and new versions of the same item', async () => {
    const team = await childId('teams', 'Acme Litigation Team');
    const channel = await childId(team, 'Client - Acme');
    const source = await createLocalConnector(t.server.lexbridge, t.root, 'sp-sync');
    const large = randomBytes(12 * 1024 * 1024 + 12345);
    await writeTree(source.path, {
      'memo.txt': 'one',
      'Q3: draft?.txt': 'odd name',
      'evidence/large.bin': large,
    });
    const cut = t.graph.addFault({ kind: 'dropUpload', count: 1 });
    const throttled = t.graph.addFault({ kind: 'throttle', count: 2, retryAfterSeconds: 1 });
    const { workflow, run } = await createAndRun(t.server.lexbridge, t.user, {
      type: 'one_way_sync',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: t.connectorId, id: channel },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const names = (await browse(channel)).children.map((c) => c.name).sort();
    expect(names).toEqual(['evidence']);
    const [driveId, folderId] = channel.split('/') as [string, string];
    const folder = t.graph.store.item(driveId, folderId);
    const files = t.graph.store
      .children(folder)
      .map((i) => i.name)
      .sort();
    expect(files).toEqual(expect.arrayContaining(['Q3_ draft_.txt', 'evidence', 'memo.txt']));
    const stored = t.graph.store.childNamed(t.graph.store.childNamed(folder, 'evidence')!, 'large.bin')!;
    expect(stored.versions.at(-1)?.size).toBe(large.length);
    expect([cut.count, throttled.count]).toEqual([0, 0]);

    const memo = t.graph.store.childNamed(folder, 'memo.txt')!;
    await writeTree(source.path, { 'memo.txt': 'one, edited' });
    const again = await runNow(t.server.lexbridge, workflow);
    expect(again.run.status).toBe('succeeded');
    expect(again.run.updated).toBe(1);
    const after = t.graph.store.childNamed(folder, 'memo.txt')!;
    expect(after.id).toBe(memo.id);
    expect(after.versions.map((v) => v.id)).toEqual(['1.0', '2.0']);
    expect(await bearerLeaks()).toBe(0);
  });

  it('a large download cut off six times mid-stream is resumed from where it broke, retried and verified; nothing half-written', async () => {
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    const [driveId] = (await childId(matter, 'Documents')).split('/') as [string];
    const folder = putFolder(t.graph, { driveId, parentId: 'root' }, 'Large transfer');
    const large = randomBytes(9 * 1024 * 1024 + 777);
    await putFile(t.graph, { driveId, parentId: folder.id }, 'bundle.bin', large);
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

    // Six cuts: the connector resumes three times (Range from the byte it had), then gives up; the
    // engine tries the item again and its download survives the last two cuts.
    const before = await counters();
    const cuts = t.graph.addFault({ kind: 'dropDownload', count: 6, path: '/download/' });
    const target = await createLocalConnector(t.server.lexbridge, t.root, 'sp-large');
    const { run, items } = await createAndRun(t.server.lexbridge, t.user, {
      type: 'copy',
      source: { connectorId: t.connectorId, id: `${driveId}/${folder.id}` },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status, JSON.stringify(items)).toBe('succeeded');
    expect(cuts.count).toBe(0);
    const after = await counters();
    expect(after.droppedDownloads - before.droppedDownloads).toBe(6);
    // 3 resumes in the abandoned attempt, then 2 cut and 1 complete in the next: each from where it broke off.
    expect(after.resumedDownloads - before.resumedDownloads).toBe(5);
    expect(items.find((i) => i.sourcePath?.endsWith('bundle.bin'))).toMatchObject({ outcome: 'done' });
    // Only the verified copy: nothing half-written, no temporary file of the abandoned attempt.
    expect(await readdir(target.path)).toEqual(['bundle.bin']);
    expect(sha256(await readFile(join(target.path, 'bundle.bin')))).toBe(sha256(large));
    expect((await browse('')).children.length).toBeGreaterThan(0); // the t.server is still answering
    expect(await bearerLeaks()).toBe(0);
  });

  it('a Move from one library into another library of the site: copies verified, then the originals removed; each item opens in SharePoint', async () => {
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    const [docsId] = (await childId(matter, 'Documents')).split('/') as [string];
    const filed = await childId(matter, 'Filed Documents');
    const folder = putFolder(t.graph, { driveId: docsId, parentId: 'root' }, 'To file');
    const bytes = randomBytes(5 * 1024 * 1024 + 3);
    await putFile(t.graph, { driveId: docsId, parentId: folder.id }, 'Order.pdf', bytes);
    await putFile(t.graph, { driveId: docsId, parentId: folder.id }, 'Note.txt', Buffer.from('filed'));
    const { run } = await createAndRun(t.server.lexbridge, t.user, {
      type: 'move',
      source: { connectorId: t.connectorId, id: `${docsId}/${folder.id}` },
      target: { connectorId: t.connectorId, id: filed },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const [filedId] = filed.split('/') as [string];
    const filedRoot = t.graph.store.item(filedId, t.graph.store.drive(filedId).rootId);
    const order = t.graph.store.childNamed(filedRoot, 'Order.pdf')!;
    expect(order.versions.at(-1)).toMatchObject({ size: bytes.length, quickXorHash: quickXorHash(bytes) });
    expect(t.graph.store.childNamed(filedRoot, 'Note.txt')?.versions.at(-1)?.size).toBe(5);
    expect(t.graph.store.children(t.graph.store.item(docsId, folder.id))).toEqual([]);

    // The run page's "Open in SharePoint": a Lexbridge link per item, resolved to Graph's webUrl on click.
    const page = await fetch(`${t.server.url}/api/workflow-runs/${run.id}/items`, {
      headers: t.user.headers,
    });
    const { items } = (await page.json()) as {
      items: { targetPath: string | null; links: { target: string | null } }[];
    };
    const link = items.find((i) => i.targetPath?.endsWith('Order.pdf'))?.links.target;
    expect(link).toBe(
      `/api/connectors/${t.connectorId}/open?id=${encodeURIComponent(`${filedId}/${order.id}`)}`,
    );
    const opened = await fetch(`${t.server.url}${link}`, { headers: t.user.headers, redirect: 'manual' });
    expect(opened.status).toBe(302);
    const graphItem = await t.graph.fetch(`${t.graph.graphUrl}/drives/${filedId}/items/${order.id}`, {
      headers: { authorization: `Bearer ${await graphToken()}` },
    });
    const { webUrl } = (await graphItem.json()) as { webUrl: string };
    expect(webUrl).toMatch(/^https:\/\/.+\/Order\.pdf$/);
    expect(opened.headers.get('location')).toBe(webUrl);
    // Someone who has not authorised SharePoint is told so, and is not redirected.
    const other = await signIn(t.server.lexbridge, { roles: ['User'] });
    const refused = await fetch(`${t.server.url}${link}`, { headers: other.headers, redirect: 'manual' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /You have not authorised "SharePoint"/,
    );
  });

  it('a path over 400 characters is refused before anything is sent, in plain words; the rest is copied', async () => {
    const team = await childId('teams', 'Acme Litigation Team');
    const channel = await childId(team, 'General');
    const source = await createLocalConnector(t.server.lexbridge, t.root, 'sp-long');
    // "/sites/AcmeLitigationTeam/Shared Documents/General" and three folders of 103 characters: 362.
    const folder = (i: number) => `${i} ${'Long folder name '.repeat(6)}`.trim();
    const three = [0, 1, 2].map(folder).join('/');
    const longName = `${'A long document name '.repeat(2)}that passes the limit.txt`;
    await writeTree(source.path, {
      'short.txt': 'fits',
      [`${three}/fits.txt`]: 'fits at 371 characters',
      [`${three}/${longName}`]: 'its name takes the path over 400',
      [`${three}/${folder(3)}/too deep.txt`]: 'its folder would be at 466',
    });
    const { run, items } = await createAndRun(t.server.lexbridge, t.user, {
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: t.connectorId, id: channel },
    });
    expect(run.status, JSON.stringify(items)).toBe('partial');
    const item = (end: string) => items.find((i) => i.sourcePath?.endsWith(end));
    const refusal =
      /^SharePoint allows at most 400 characters in an item's whole path .* Shorten the folder or file names in the source/;
    expect(item(longName)).toMatchObject({ outcome: 'failed', errorCode: 'content_invalid', detail: null });
    expect(item(longName)?.error).toMatch(refusal);
    expect(item(longName)?.error).toMatch(/this document's path would be 4\d\d/);
    expect(item(folder(3))).toMatchObject({ outcome: 'failed', errorCode: 'content_invalid' });
    expect(item(folder(3))?.error).toMatch(/this folder's path would be 466/);
    expect(item('too deep.txt')).toMatchObject({ outcome: 'failed' });
    expect(item('fits.txt')).toMatchObject({ outcome: 'done' });
    expect(item('short.txt')).toMatchObject({ outcome: 'done' });
    // Nothing of the refused items reached SharePoint, not even an empty file.
    const [driveId, folderId] = channel.split('/') as [string, string];
    const names = t.graph.store.subtree(t.graph.store.item(driveId, folderId)).map((i) => i.name);
    expect(names).not.toContain(longName);
    expect(names).not.toContain(folder(3));
  });

  it('refuses a workflow into a site the person may only read, before it is created', async () => {
    const northwind = await childId('sites:followed', 'Matter 1002 - Northwind acquisition');
    const library = await childId(northwind, 'Documents');
    const source = await createLocalConnector(t.server.lexbridge, t.root, 'sp-readonly');
    const [driveId] = library.split('/') as [string];
    const libraryRoot = () => t.graph.store.item(driveId, t.graph.store.drive(driveId).rootId);
    const before = t.graph.store.children(libraryRoot()).map((i) => i.name);
    const res = await fetch(`${t.server.url}/api/workflows`, {
      method: 'POST',
      headers: { ...t.user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Into a read-only site',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: t.connectorId, id: library },
      }),
    });
    const body = (await res.json()) as { error: { code: string; message: string; details: any } };
    expect(res.status, JSON.stringify(body)).toBe(409);
    expect(body.error.code).toBe('workflow_preflight_failed');
    const permission = body.error.details.checks.find((c: { check: string }) => c.check === 'permission');
    expect(permission).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^You may not add items to ".*Documents"\. Ask a colleague/),
    });
    const list = await fetch(`${t.server.url}/api/workflows`, { headers: t.user.headers });
    const workflows = (await list.json()) as { workflows?: { name: string }[] } | { name: string }[];
    expect(JSON.stringify(workflows)).not.toContain('Into a read-only site');
    // The write check left nothing behind in the library.
    expect(t.graph.store.children(libraryRoot()).map((i) => i.name)).toEqual(before);
  });
});

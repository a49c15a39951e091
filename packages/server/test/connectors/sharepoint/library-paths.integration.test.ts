import { describe, expect, it } from 'vitest';
import { createLocalConnector } from '../../workflows/helpers.ts';
import { alex } from './graph.ts';
import { folderBrowser, useGraphLexbridge } from './graph-lexbridge.ts';

/**
 * A document library's path names its site ("SharePoint / Matter 1001 - Acme v Globex / Documents"),
 * so two sites' "Documents" libraries read differently in the folder browser, in pre-flight messages
 * and in a workflow's locations. Graph names the site of a drive in the drive's `sharepointIds`
 * (asked for with $select), which the emulator returns as SharePoint Online does.
 */
const t = useGraphLexbridge();
const { browse, childId } = folderBrowser(t);

const library = async (site: string) => childId(await childId('sites:followed', site), 'Documents');

async function graphGet(path: string) {
  const app = t.graph.store.apps.get(t.graph.app.clientId)!;
  const { token } = t.graph.tokens.issueAccessToken(
    app,
    t.graph.store.findUser(alex)!,
    ['Files.ReadWrite.All'],
    t.graph.graphUrl,
  );
  const res = await t.graph.fetch(`${t.graph.graphUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('SharePoint library paths', () => {
  it("the emulator names a drive's site in sharepointIds, only when $select asks for it", async () => {
    const driveId = (await library('Matter 1001 - Acme v Globex')).split('/')[0]!;
    const drive = t.graph.store.drive(driveId);
    const site = t.graph.store.site(drive.siteId);
    const [host, siteId, webId] = site.id.split(',');
    expect(await graphGet(`/drives/${driveId}?$select=id,sharepointIds`)).toEqual({
      id: driveId,
      sharepointIds: { listId: drive.listId, siteId, siteUrl: site.webUrl, tenantId: site.tenantId, webId },
    });
    expect(new URL(site.webUrl).hostname).toBe(host);
    expect(await graphGet(`/drives/${driveId}`)).not.toHaveProperty('sharepointIds');
  });

  it('names the site between the connector and the library, in the browser and in a workflow', async () => {
    const acme = await library('Matter 1001 - Acme v Globex');
    const northwind = await library('Matter 1002 - Northwind acquisition');
    expect((await browse(acme)).ancestors.map((a) => a.name)).toEqual([
      'SharePoint',
      'Matter 1001 - Acme v Globex',
    ]);
    const target = await createLocalConnector(t.server.lexbridge, t.root, 'sp-paths');
    const res = await fetch(`${t.server.url}/api/workflows`, {
      method: 'POST',
      headers: { ...t.user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Acme library',
        type: 'copy',
        source: { connectorId: t.connectorId, id: acme },
        target: { connectorId: target.id, id: '' },
      }),
    });
    const body = (await res.json()) as { source: { path: string } };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.source.path).toBe('SharePoint / Matter 1001 - Acme v Globex / Documents');
    // Alex may only read Northwind's site: the pre-flight message names which "Documents" it means.
    const refused = await fetch(`${t.server.url}/api/workflows/preflight`, {
      method: 'POST',
      headers: { ...t.user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { connectorId: target.id, id: '' },
        target: { connectorId: t.connectorId, id: northwind },
      }),
    });
    expect(await refused.text()).toContain(
      'You may not add items to \\"SharePoint / Matter 1002 - Northwind acquisition / Documents\\"',
    );
  });
});

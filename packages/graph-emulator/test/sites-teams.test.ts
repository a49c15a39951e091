import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, DEBRA, graph, json, signIn, startTestEmulator, type TestEmulator } from './helpers.ts';

let emulator: TestEmulator;
let alex: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  alex = (await signIn(emulator, ALEX)).access_token;
});
afterAll(() => emulator.close());

async function siteNamed(token: string, name: string) {
  const sites = await graph(emulator, token, `/sites?search=${encodeURIComponent(name)}`);
  return sites.body.value.find((site: { name: string }) => site.name === name);
}

describe('sites', () => {
  it('searches sites, lists followed ones, and finds a site by path', async () => {
    const all = await graph(emulator, alex, '/sites?search=*');
    expect(all.body.value.map((site: { name: string }) => site.name).sort()).toEqual([
      'AcmeLitigationTeam',
      'Matter1001',
      'Matter1002',
    ]);
    const followed = await graph(emulator, alex, '/me/followedSites');
    expect(followed.body.value.map((site: { name: string }) => site.name)).toEqual([
      'Matter1001',
      'Matter1002',
    ]);
    const byPath = await graph(emulator, alex, '/sites/contoso.sharepoint.com:/sites/Matter1001');
    expect(byPath.body).toMatchObject({
      name: 'Matter1001',
      siteCollection: { hostname: 'contoso.sharepoint.com' },
    });
    expect(byPath.body.id).toMatch(/^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
  });

  it("lists a site's libraries, one with custom columns whose values can be set", async () => {
    const site = await siteNamed(alex, 'Matter1001');
    const drives = await graph(emulator, alex, `/sites/${site.id}/drives`);
    expect(drives.body.value.map((drive: { name: string }) => drive.name)).toEqual([
      'Documents',
      'Filed Documents',
    ]);
    const filed = drives.body.value[1];
    const columns = await graph(emulator, alex, `/drives/${filed.id}/list/columns`);
    expect(columns.body.value.map((column: { name: string }) => column.name)).toEqual([
      'DocumentAuthor',
      'DocumentNumber',
      'DocumentVersion',
    ]);
    const file = await graph(emulator, alex, `/drives/${filed.id}/root:/Engagement letter.pdf:`);
    const patched = await graph(
      emulator,
      alex,
      `/drives/${filed.id}/items/${file.body.id}/listItem/fields`,
      json('PATCH', { DocumentAuthor: 'JSMITH', DocumentNumber: '1234', DocumentVersion: 2 }),
    );
    expect(patched.body).toMatchObject({ DocumentAuthor: 'JSMITH', DocumentVersion: 2 });
    const unknown = await graph(
      emulator,
      alex,
      `/drives/${filed.id}/items/${file.body.id}/listItem/fields`,
      json('PATCH', { Nope: 'x' }),
    );
    expect(unknown.status).toBe(400);
  });

  it('lets a reader read but not write (403 accessDenied), and hides sites without a role', async () => {
    const site = await siteNamed(alex, 'Matter1002');
    const drive = await graph(emulator, alex, `/sites/${site.id}/drive`);
    const children = await graph(emulator, alex, `/drives/${drive.body.id}/root/children`);
    expect(children.status).toBe(200);
    const write = await graph(emulator, alex, `/drives/${drive.body.id}/root:/x.txt:/content`, {
      method: 'PUT',
      body: 'x',
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('accessDenied');
    const debra = (await signIn(emulator, DEBRA)).access_token;
    expect((await graph(emulator, debra, `/sites/${site.id}`)).status).toBe(403);
    expect((await graph(emulator, debra, `/drives/${drive.body.id}/root`)).status).toBe(403);
  });
});

describe('teams', () => {
  it("lists joined teams and channels, and each channel's files folder in the team site", async () => {
    const teams = await graph(emulator, alex, '/me/joinedTeams');
    expect(teams.body.value).toHaveLength(1);
    const team = teams.body.value[0];
    const channels = await graph(emulator, alex, `/teams/${team.id}/channels`);
    expect(channels.body.value.map((channel: { displayName: string }) => channel.displayName)).toEqual([
      'General',
      'Client - Acme',
    ]);
    const teamSite = await siteNamed(alex, 'AcmeLitigationTeam');
    const teamDrive = await graph(emulator, alex, `/sites/${teamSite.id}/drive`);
    for (const channel of channels.body.value) {
      const folder = await graph(
        emulator,
        alex,
        `/teams/${team.id}/channels/${encodeURIComponent(channel.id)}/filesFolder`,
      );
      expect(folder.status).toBe(200);
      expect(folder.body).toMatchObject({
        name: channel.displayName,
        parentReference: { driveId: teamDrive.body.id },
      });
    }
    const debra = (await signIn(emulator, DEBRA)).access_token;
    expect((await graph(emulator, debra, '/me/joinedTeams')).body.value).toEqual([]);
  });
});

describe('faults', () => {
  it('throttles with 429 and 503 and Retry-After, then answers normally', async () => {
    emulator.addFault({ kind: 'throttle', count: 1, retryAfterSeconds: 3 });
    emulator.addFault({ kind: 'throttle', count: 1, status: 503 });
    const first = await graph(emulator, alex, '/me');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body.error.code).toBe('activityLimitReached');
    const second = await graph(emulator, alex, '/me');
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await graph(emulator, alex, '/me')).status).toBe(200);
  });

  it('cuts a download half way', async () => {
    const drive = await graph(emulator, alex, '/me/drive');
    const file = await graph(emulator, alex, `/drives/${drive.body.id}/root:/Notes.txt:`);
    emulator.addFault({ kind: 'dropDownload' });
    const response = await emulator.fetch(file.body['@microsoft.graph.downloadUrl']);
    await expect(response.text()).rejects.toThrow();
    const again = await emulator.fetch(file.body['@microsoft.graph.downloadUrl']);
    expect((await again.text()).length).toBe(file.body.size);
  });
});

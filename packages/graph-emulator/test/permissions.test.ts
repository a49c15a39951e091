import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grant, stopInheriting } from '../src/store/permissions.ts';
import { ALEX, DEBRA, graph, json, MEGAN, signIn, startTestEmulator, type TestEmulator } from './helpers.ts';

let emulator: TestEmulator;
let alex: string;
let megan: string;
let driveId: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  alex = (await signIn(emulator, ALEX)).access_token;
  megan = (await signIn(emulator, MEGAN)).access_token;
  const site = (await graph(emulator, alex, '/sites?search=Acme')).body.value[0];
  driveId = (await graph(emulator, alex, `/sites/${site.id}/drive`)).body.id;
}, 60_000);
afterAll(() => emulator.close());

const folder = async (name: string) => {
  const made = await graph(
    emulator,
    alex,
    `/drives/${driveId}/root/children`,
    json('POST', { name, folder: {} }),
  );
  expect(made.status).toBe(201);
  return emulator.store.item(driveId, made.body.id);
};
const user = (upn: string) => emulator.store.findUser(upn)!;
const permissions = (token: string, id: string) =>
  graph(emulator, token, `/drives/${driveId}/items/${id}/permissions`);
const upload = (token: string, id: string, name: string) =>
  graph(emulator, token, `/drives/${driveId}/items/${id}:/${name}:/content`, { method: 'PUT', body: 'x' });

describe('item permissions', () => {
  it('lists, changes and removes the unique permissions of a folder, and they apply below it', async () => {
    const room = await folder('Deal room');
    stopInheriting(emulator.store, room);
    grant(emulator.store, room, {
      roles: ['write'],
      link: { type: 'edit', scope: 'organization', userIds: [user(DEBRA).id] },
    });
    expect((await upload(alex, room.id, 'a.txt')).status).toBe(201);
    const listed = await permissions(alex, room.id);
    expect(listed.status).toBe(200);
    const byWho = Object.fromEntries(
      listed.body.value.map((p: any) => [p.grantedToV2?.user.email ?? `link:${p.link.type}`, p]),
    );
    expect(Object.keys(byWho).sort()).toEqual([ALEX, DEBRA, MEGAN, 'link:edit'].sort());
    expect(byWho[MEGAN].roles).toEqual(['write']);
    expect(byWho['link:edit'].grantedToIdentitiesV2[0].user.email).toBe(DEBRA);
    expect(byWho[MEGAN].inheritedFrom).toBeUndefined();

    const path = (p: any) => `/drives/${driveId}/items/${room.id}/permissions/${p.id}`;
    const patched = await graph(emulator, alex, path(byWho[MEGAN]), json('PATCH', { roles: ['read'] }));
    expect(patched.body.roles).toEqual(['read']);
    const linkPatch = await graph(
      emulator,
      alex,
      path(byWho['link:edit']),
      json('PATCH', { roles: ['read'] }),
    );
    expect(linkPatch.status).toBe(400);
    expect((await graph(emulator, alex, path(byWho['link:edit']), { method: 'DELETE' })).status).toBe(204);
    expect((await graph(emulator, alex, path(byWho['link:edit']))).status).toBe(404);

    // Megan may still read the folder and what is below it, but no longer write there.
    expect((await graph(emulator, megan, `/drives/${driveId}/items/${room.id}/children`)).status).toBe(200);
    expect((await upload(megan, room.id, 'b.txt')).status).toBe(403);
    const inside = emulator.store.childNamed(room, 'a.txt')!;
    expect((await permissions(megan, inside.id)).body.value.map((p: any) => p.id).sort()).toEqual(
      room.permissions!.map((p) => p.id).sort(),
    );
    // …and a grant inherited from the folder cannot be changed on the item below it.
    const inherited = await graph(
      emulator,
      alex,
      `/drives/${driveId}/items/${inside.id}/permissions/${byWho[MEGAN].id}`,
      { method: 'DELETE' },
    );
    expect(inherited.status).toBe(403);
    expect(inherited.body.error.code).toBe('notAllowed');
  });

  it("refuses to change a permission inherited from the site, and a read-only person's change", async () => {
    const open = await folder('Open folder');
    const listed = await permissions(alex, open.id);
    const mine = listed.body.value.find((p: any) => p.grantedToV2.user.email === ALEX);
    expect(mine.roles).toEqual(['write']);
    const refused = await graph(
      emulator,
      alex,
      `/drives/${driveId}/items/${open.id}/permissions/${mine.id}`,
      json('PATCH', { roles: ['read'] }),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('notAllowed');
    const debra = (await signIn(emulator, DEBRA)).access_token;
    const room = await folder('Another room');
    const own = stopInheriting(emulator.store, room);
    const change = await graph(
      emulator,
      debra,
      `/drives/${driveId}/items/${room.id}/permissions/${own[0]!.id}`,
      json('PATCH', { roles: ['read'] }),
    );
    expect(change.status).toBe(403);
  });
});

import { ContentError, type ContentItem, type ReadOnlyOutcome } from '../content.ts';
import { driveRef, itemPath } from './drive-item.ts';
import { enc, type GraphClient } from './graph-client.ts';
import { contentErrorFrom } from './graph-errors.ts';

/**
 * Making a SharePoint folder read-only for an archive that leaves it, through the driveItem
 * permissions API: every grant on the folder and on each item in it is listed; a grant to a person or
 * group that gives write is changed to read (PATCH roles), a sharing link that lets people edit is
 * removed (a link's roles cannot be changed). Graph changes only an item's own (unique) permissions:
 * grants inherited from the site (its Members group, the people it names) and owners' are refused or
 * left, and reported, since only a site owner can stop the folder inheriting them in SharePoint.
 */
interface PermissionJson {
  id: string;
  roles?: string[];
  link?: { type?: string; scope?: string };
  inheritedFrom?: { id?: string };
  grantedToV2?: Record<string, { id?: string; displayName?: string; email?: string } | undefined>;
}

const concurrency = 4;

function who(p: PermissionJson): string {
  if (p.link) return `a sharing link that lets ${p.link.scope === 'anonymous' ? 'anyone' : 'people'} edit`;
  const g = p.grantedToV2 ?? {};
  const named = g.user ?? g.siteUser ?? g.group ?? g.siteGroup ?? g.application;
  return named?.displayName ?? named?.email ?? 'someone';
}

/** Whether Graph refused the change (403, or 400 for what cannot be changed); other failures throw. */
async function refused(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (err) {
    const translated = contentErrorFrom(err);
    if (
      translated instanceof ContentError &&
      (translated.code === 'content_access_denied' || translated.code === 'content_invalid')
    )
      return true;
    throw translated;
  }
}

export async function restrictToRead(
  client: GraphClient,
  items: AsyncIterable<ContentItem>,
  signal?: AbortSignal,
): Promise<ReadOnlyOutcome> {
  const outcome: ReadOnlyOutcome = { madeReadOnly: 0, linksRemoved: 0, left: [] };
  // A grant reached from several items (inherited below the folder that owns it) is changed once; a
  // refusal on an item that only inherits it does not count once the owning folder's change succeeded.
  const changed = new Set<string>();
  const refusedIds = new Map<string, string>();
  const owners = new Set<string>();
  const options = signal ? { signal } : {};
  // The person's own grants change last: once they may only read, Graph lets them change nothing more.
  const me = (await client.json<{ id: string }>('GET', '/me', { query: { $select: 'id' }, ...options })).id;
  const mine: { p: PermissionJson; path: string }[] = [];
  const change = async (p: PermissionJson, path: string) => {
    const no = await refused(() =>
      p.link
        ? client.json('DELETE', path, options)
        : client.json('PATCH', path, { json: { roles: ['read'] }, idempotent: true, ...options }),
    );
    if (no) refusedIds.set(p.id, `${who(p)} (inherited from the site or a parent folder)`);
    else if (!changed.has(p.id)) {
      changed.add(p.id);
      if (p.link) outcome.linksRemoved++;
      else outcome.madeReadOnly++;
    }
  };
  const settle = async (item: ContentItem) => {
    const ref = driveRef(item.id);
    if (!ref) return;
    const base = `${itemPath(ref)}/permissions`;
    for await (const p of client.pages<PermissionJson>(base, options)) {
      const roles = p.roles ?? [];
      if (changed.has(p.id) || (!roles.includes('write') && !roles.includes('owner'))) continue;
      const path = `${base}/${enc(p.id)}`;
      if (roles.includes('owner')) owners.add(`${who(p)} (an owner)`);
      else if (p.inheritedFrom) refusedIds.set(p.id, `${who(p)} (inherited)`);
      else if (p.grantedToV2?.user?.id === me) mine.push({ p, path });
      else await change(p, path);
    }
  };
  const iterator = items[Symbol.asyncIterator]();
  let done = false;
  const next = async () => {
    if (done) return undefined;
    const step = await iterator.next();
    if (step.done) done = true;
    return step.done ? undefined : step.value;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = await next(); item; item = await next()) await settle(item);
    }),
  );
  for (const { p, path } of mine) if (!changed.has(p.id)) await change(p, path);
  const left = new Set(owners);
  for (const [id, description] of refusedIds) if (!changed.has(id)) left.add(description);
  outcome.left = [...left].sort();
  return outcome;
}

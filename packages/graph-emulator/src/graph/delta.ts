/**
 * GET …/root/delta: a full enumeration without a token, then changes since a deltaLink, deletions as
 * items with the `deleted` facet. Tokens carry the drive's change sequence; one from another delta
 * epoch (the admin API can expire them), older than the token lifetime, or malformed gets
 * 410 Gone `resyncRequired` with a Location that starts a fresh enumeration. As in OneDrive for
 * Business and SharePoint, delta works on the root folder only, and items carry no
 * parentReference.path. Pages follow a cursor, not an offset, so items changing while a client pages
 * are never skipped: they come again in the next round.
 */
import { GraphError, invalidRequest } from '../errors.ts';
import type { Drive, DriveItem } from '../model.ts';
import { requireDriveAccess } from './auth.ts';
import { type Call, graphUrl, only } from './call.ts';
import { applySelect, decodeToken, encodeToken, linkWith, pageSize } from './odata.ts';
import { driveItemJson } from './serialize.ts';

export const DELTA_TOKEN_LIFETIME_MS = 30 * 86_400_000;

interface DeltaToken {
  /** Drive delta epoch. */
  e: number;
  /** Changes after this sequence… */
  s: number;
  /** …up to this one (pages of one round). */
  u?: number;
  /** Sort key of the last item sent (pages). */
  k?: SortKey;
  /** Issued at. */
  t: number;
  /** A timestamp token (`?token=2026-…`): items changed at or after this instant instead of `s`. */
  a?: number;
}

type SortKey = [number, number, number, string];

function sortKey(call: Call, item: DriveItem): SortKey {
  const depth = call.ctx.store.depth(item);
  return item.deletedAt === undefined
    ? [0, depth, item.changeSeq, item.id]
    : [1, -depth, item.changeSeq, item.id];
}

function compare(a: SortKey, b: SortKey): number {
  for (let i = 0; i < 4; i++) {
    const left = a[i] as number | string;
    const right = b[i] as number | string;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

function tokenFrom(action: string, query: Record<string, string | undefined>): string | undefined {
  const inline = /^delta\(token='?([^')]*)'?\)$/.exec(action)?.[1];
  return inline ?? query.token;
}

function resync(call: Call, drive: Drive): GraphError {
  return new GraphError(
    410,
    'resyncRequired',
    "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
    {
      headers: { location: graphUrl(call, `drives/${drive.id}/root/delta`) },
      innerCode: 'resyncChangesApplyDifferences',
    },
  );
}

function parseToken(call: Call, drive: Drive, raw: string): DeltaToken {
  const now = call.ctx.clock.now();
  const at = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isNaN(at)) return { e: drive.deltaEpoch, s: -1, a: at, t: now };
  const token = decodeToken<DeltaToken>(raw);
  if (
    !token ||
    typeof token.s !== 'number' ||
    token.e !== drive.deltaEpoch ||
    now - token.t > DELTA_TOKEN_LIFETIME_MS
  ) {
    throw resync(call, drive);
  }
  return token;
}

export function deltaRoute(call: Call, drive: Drive, folder: DriveItem, action: string): unknown {
  only(call, 'GET');
  requireDriveAccess(call.ctx, call.caller, drive, 'read');
  if (folder.id !== drive.rootId) {
    throw invalidRequest(
      'Delta is only supported on the root folder in OneDrive for Business and SharePoint.',
    );
  }
  const now = call.ctx.clock.now();
  const raw = tokenFrom(action, call.query);
  const self = graphUrl(call, `drives/${drive.id}/root/delta`);
  if (raw === 'latest') {
    const latest: DeltaToken = { e: drive.deltaEpoch, s: drive.changeSeq, t: now };
    return { value: [], '@odata.deltaLink': linkWith(self, call.query, { token: encodeToken(latest) }) };
  }
  const token = raw === undefined ? { e: drive.deltaEpoch, s: 0, t: now } : parseToken(call, drive, raw);
  const upTo = token.u ?? drive.changeSeq;
  const full = token.s === 0;
  const since = (item: DriveItem) =>
    token.a === undefined ? item.changeSeq > token.s : (item.deletedAt ?? item.modifiedAt) >= token.a;
  const changed = [...call.ctx.store.items.values()]
    .filter(
      (item) =>
        item.driveId === drive.id &&
        since(item) &&
        item.changeSeq <= upTo &&
        !(full && item.deletedAt !== undefined),
    )
    .map((item) => ({ item, key: sortKey(call, item) }))
    .filter(({ key }) => !token.k || compare(key, token.k) > 0)
    .sort((a, b) => compare(a.key, b.key));
  const size = pageSize(call.query);
  const pageItems = changed.slice(0, size);
  const value = pageItems.map(({ item }) =>
    applySelect(driveItemJson(call.ctx, item, { withPath: false }), call.query),
  );
  const last = pageItems.at(-1);
  if (changed.length > size && last) {
    const next: DeltaToken = {
      e: drive.deltaEpoch,
      s: token.s,
      u: upTo,
      k: last.key,
      t: token.t,
      ...(token.a !== undefined ? { a: token.a } : {}),
    };
    return { value, '@odata.nextLink': linkWith(self, call.query, { token: encodeToken(next) }) };
  }
  const done: DeltaToken = { e: drive.deltaEpoch, s: upTo, t: now };
  return { value, '@odata.deltaLink': linkWith(self, call.query, { token: encodeToken(done) }) };
}

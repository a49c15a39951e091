/**
 * SharePoint sites: search (`/sites?search=`), the ones a person follows (`/me/followedSites`), a site
 * by id or by path (`/sites/{hostname}:/sites/{name}`), its default drive and its document libraries.
 * A site the caller has no role on is 403 accessDenied.
 */
import { accessDenied, itemNotFound } from '../errors.ts';
import type { Site } from '../model.ts';
import { PERMISSIONS, requireScope, siteRole } from './auth.ts';
import { type Call, collection, only, type ParsedPath, segmentNotFound } from './call.ts';
import { driveRoutes } from './drives.ts';
import { applySelect } from './odata.ts';
import { driveJson, siteJson } from './serialize.ts';

function visibleSites(call: Call): Site[] {
  return [...call.ctx.store.sites.values()].filter(
    (site) =>
      !site.personalOwnerId && site.tenantId === call.caller.user.tenantId && site.roles[call.caller.user.id],
  );
}

export function searchSites(call: Call): unknown {
  only(call, 'GET');
  requireScope(call.caller, PERMISSIONS.sites);
  const search = (call.query.search ?? '').trim().toLowerCase();
  const matches = visibleSites(call).filter(
    (site) =>
      search === '' ||
      search === '*' ||
      [site.displayName, site.name, site.description].some((text) => text.toLowerCase().includes(search)),
  );
  return collection(matches.map((site) => applySelect(siteJson(site), call.query)));
}

export function followedSites(call: Call): unknown {
  only(call, 'GET');
  requireScope(call.caller, PERMISSIONS.sites);
  const followed = visibleSites(call).filter((site) => site.followers.includes(call.caller.user.id));
  return collection(followed.map((site) => applySelect(siteJson(site), call.query)));
}

function siteByPath(call: Call, hostname: string, relativePath: string): Site {
  const wanted = `https://${hostname}${relativePath.replace(/\/+$/, '')}`.toLowerCase();
  const site = [...call.ctx.store.sites.values()].find(
    (candidate) => candidate.webUrl.toLowerCase() === wanted,
  );
  if (!site) throw itemNotFound('Requested site could not be found');
  return site;
}

export async function siteRoutes(call: Call, rest: string[], path: ParsedPath): Promise<unknown> {
  const [id, ...after] = rest;
  if (id === undefined) return searchSites(call);
  const byPath = path.relativePath !== undefined && rest.length === 1;
  const site = byPath ? siteByPath(call, id, path.relativePath ?? '') : call.ctx.store.site(id);
  const remaining = byPath ? path.suffix : after;
  requireScope(call.caller, [...PERMISSIONS.sites, ...PERMISSIONS.fileRead]);
  if (!siteRole(call.ctx, call.caller, site.id)) throw accessDenied();
  const [what, driveId, ...driveRest] = remaining;
  const innerPath = byPath ? { segments: [], relativePath: undefined, suffix: [] } : path;
  if (what === undefined) {
    only(call, 'GET');
    return applySelect(siteJson(site), call.query);
  }
  if (what === 'drive')
    return driveRoutes(call, call.ctx.store.drive(site.driveIds[0] ?? ''), remaining.slice(1), innerPath);
  if (what === 'drives' && driveId === undefined) {
    only(call, 'GET');
    return collection(
      site.driveIds.map((driveIdOf) =>
        applySelect(driveJson(call.ctx, call.ctx.store.drive(driveIdOf), call.query), call.query),
      ),
    );
  }
  if (what === 'drives' && driveId && site.driveIds.includes(driveId)) {
    return driveRoutes(call, call.ctx.store.drive(driveId), driveRest, innerPath);
  }
  if (what === 'drives') throw itemNotFound('The drive could not be found.');
  throw segmentNotFound(what);
}

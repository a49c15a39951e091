/**
 * The signed-in user (`/me`), other users (`/users/{id | userPrincipalName}`), their OneDrive, and
 * Teams: `/me/joinedTeams`, `/teams/{id}/channels`, and a channel's `filesFolder` (a folder of the
 * team site's default library).
 */
import { itemNotFound } from '../errors.ts';
import type { Team, User } from '../model.ts';
import { PERMISSIONS, requireDriveAccess, requireScope } from './auth.ts';
import { type Call, collection, only, type ParsedPath, segmentNotFound } from './call.ts';
import { driveRoutes } from './drives.ts';
import { applySelect } from './odata.ts';
import { driveItemJson, driveJson, userJson } from './serialize.ts';
import { followedSites } from './sites.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export async function userRoutes(call: Call, user: User, rest: string[], path: ParsedPath): Promise<unknown> {
  const [what] = rest;
  const isMe = user.id === call.caller.user.id;
  if (what === undefined) {
    only(call, 'GET');
    requireScope(call.caller, PERMISSIONS.user, 'directory');
    return applySelect(userJson(user), call.query);
  }
  if (what === 'drive') return driveRoutes(call, call.ctx.store.oneDriveOf(user), rest.slice(1), path);
  if (what === 'drives') {
    only(call, 'GET');
    const drive = call.ctx.store.oneDriveOf(user);
    requireDriveAccess(call.ctx, call.caller, drive, 'read');
    return collection([applySelect(driveJson(call.ctx, drive, call.query), call.query)]);
  }
  if (isMe && what === 'followedSites') return followedSites(call);
  if (isMe && what === 'joinedTeams') {
    only(call, 'GET');
    requireScope(call.caller, PERMISSIONS.teams, 'teams');
    const teams = [...call.ctx.store.teams.values()].filter((team) => team.memberIds.includes(user.id));
    return collection(teams.map((team) => applySelect(teamJson(team), call.query)));
  }
  throw segmentNotFound(what);
}

export function findUser(call: Call, idOrUpn: string | undefined): User {
  const user = idOrUpn ? call.ctx.store.findUser(idOrUpn) : undefined;
  if (!user || user.tenantId !== call.caller.user.tenantId) {
    throw itemNotFound(
      `Resource '${idOrUpn ?? ''}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return user;
}

function teamJson(team: Team) {
  return {
    id: team.id,
    displayName: team.displayName,
    description: team.description,
    isArchived: false,
    tenantId: team.tenantId,
  };
}

export function teamRoutes(call: Call, rest: string[]): unknown {
  const [teamId, what, channelId, sub] = rest;
  only(call, 'GET');
  const team = call.ctx.store.team(teamId ?? '');
  if (!team.memberIds.includes(call.caller.user.id)) {
    throw itemNotFound(`No team found with Group Id ${team.id}`);
  }
  if (what === undefined) {
    requireScope(call.caller, PERMISSIONS.teams, 'teams');
    return applySelect(teamJson(team), call.query);
  }
  if (what !== 'channels') throw segmentNotFound(what);
  requireScope(call.caller, PERMISSIONS.channels, 'teams');
  const channelJson = (channel: Team['channels'][number]) => ({
    id: channel.id,
    createdDateTime: iso(channel.createdAt),
    displayName: channel.displayName,
    description: channel.description,
    isFavoriteByDefault: null,
    email: '',
    webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(channel.id)}/${encodeURIComponent(channel.displayName)}?groupId=${team.id}&tenantId=${team.tenantId}`,
    membershipType: channel.membershipType,
    tenantId: team.tenantId,
  });
  if (channelId === undefined)
    return collection(team.channels.map((channel) => applySelect(channelJson(channel), call.query)));
  const channel = team.channels.find((candidate) => candidate.id === channelId);
  if (!channel) throw itemNotFound('Channel not found');
  if (sub === undefined) return applySelect(channelJson(channel), call.query);
  if (sub !== 'filesFolder') throw segmentNotFound(sub);
  const site = call.ctx.store.site(team.siteId);
  const drive = call.ctx.store.drive(site.driveIds[0] ?? '');
  requireDriveAccess(call.ctx, call.caller, drive, 'read');
  return applySelect(driveItemJson(call.ctx, call.ctx.store.item(drive.id, channel.folderId)), call.query);
}

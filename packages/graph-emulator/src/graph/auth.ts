/**
 * Who is calling Graph, and may they: the bearer token (401 InvalidAuthenticationToken when missing,
 * unknown, expired or revoked), the permissions in its `scp`, and the caller's role on the site that
 * holds a drive (403 accessDenied).
 */
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { accessDenied, GraphError } from '../errors.ts';
import type { Drive, DriveItem, SiteRole, User } from '../model.ts';
import type { AccessToken } from '../oauth/tokens.ts';
import { roleOn } from '../store/permissions.ts';

export interface Caller {
  user: User;
  token: AccessToken;
  scopes: Set<string>;
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function unauthenticated(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    headers: { 'www-authenticate': WWW_AUTHENTICATE },
  });
}

export function authenticate(ctx: EmulatorContext, request: FastifyRequest): Caller {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('Access token is empty.');
  const token = ctx.tokens.access.get(match[1]);
  if (!token) {
    throw unauthenticated(
      match[1].split('.').length === 3
        ? 'Invalid signature.'
        : 'IDX14100: JWT is not well formed, there are no dots (.).',
    );
  }
  if (token.appOnly) {
    if (ctx.clock.now() >= token.expiresAt)
      throw unauthenticated('Lifetime validation failed, the token is expired.');
    // An app token without application permissions (roles) and, being no user's, without scp.
    throw new GraphError(401, 'AccessDenied', 'Either scp or roles claim need to be present in the token.', {
      headers: { 'www-authenticate': WWW_AUTHENTICATE },
    });
  }
  const user = ctx.store.users.get(token.userId);
  if (token.revoked || !user || token.issuedAt < user.tokensValidFrom) {
    throw unauthenticated(
      'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
    );
  }
  if (ctx.clock.now() >= token.expiresAt)
    throw unauthenticated('Lifetime validation failed, the token is expired.');
  return { user, token, scopes: new Set(token.scopes.map((scope) => scope.toLowerCase())) };
}

const FILE_READ = [
  'Files.Read',
  'Files.Read.All',
  'Files.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
];
const FILE_WRITE = ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All'];

export const PERMISSIONS = {
  user: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All'],
  sites: ['Sites.Read.All', 'Sites.ReadWrite.All'],
  fileRead: FILE_READ,
  fileWrite: FILE_WRITE,
  teams: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All'],
  channels: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All'],
};

/** 403 unless the token carries one of the permissions. */
export function requireScope(
  caller: Caller,
  anyOf: string[],
  style: 'files' | 'directory' | 'teams' = 'files',
): void {
  if (anyOf.some((scope) => caller.scopes.has(scope.toLowerCase()))) return;
  if (style === 'directory') {
    throw new GraphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  }
  if (style === 'teams') {
    throw new GraphError(
      403,
      'Forbidden',
      `Missing scope permissions on the request. API requires one of '${anyOf.join(', ')}'. Scopes on the request '${caller.token.scopes.join(', ')}'`,
    );
  }
  throw accessDenied('Either scp or roles claim need to be present in the token.');
}

export function siteRole(ctx: EmulatorContext, caller: Caller, siteId: string): SiteRole | undefined {
  return ctx.store.site(siteId).roles[caller.user.id];
}

/**
 * Checks the token's permissions and the caller's role on the drive's site, or on `item` where one is
 * at hand (an item with permissions of its own, or below one, answers by those).
 */
export function requireDriveAccess(
  ctx: EmulatorContext,
  caller: Caller,
  drive: Drive,
  access: 'read' | 'write',
  item?: DriveItem,
) {
  requireScope(caller, access === 'write' ? FILE_WRITE : FILE_READ);
  const role = item ? roleOn(ctx.store, item, caller.user.id) : siteRole(ctx, caller, drive.siteId);
  if (!role || (access === 'write' && role !== 'write')) throw accessDenied();
}

/** What is inside the emulator, as JSON (GET /__emulator/state) and for the admin page. */
import type { EmulatorContext } from '../context.ts';
import type { Drive, DriveItem } from '../model.ts';

export interface ItemLine {
  path: string;
  id: string;
  kind: DriveItem['kind'];
  size: number;
  versions: number;
  quickXorHash: string | undefined;
}

export function driveLines(ctx: EmulatorContext, drive: Drive): ItemLine[] {
  const root = ctx.store.item(drive.id, drive.rootId);
  return ctx.store
    .subtree(root)
    .slice(1)
    .map((item) => ({
      path: ctx.store.pathOf(item),
      id: item.id,
      kind: item.kind,
      size: item.versions.at(-1)?.size ?? 0,
      versions: item.versions.length,
      quickXorHash: item.versions.at(-1)?.quickXorHash,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function summary(ctx: EmulatorContext) {
  const { store } = ctx;
  const userName = (id: string) => store.users.get(id)?.userPrincipalName ?? id;
  const now = ctx.clock.now();
  return {
    urls: ctx.urls(),
    now: new Date(now).toISOString(),
    tenants: [...store.tenants.values()],
    users: [...store.users.values()].map(({ id, userPrincipalName, displayName, password, jobTitle }) => ({
      id,
      userPrincipalName,
      displayName,
      password,
      jobTitle,
    })),
    apps: [...store.apps.values()].map((app) => ({
      ...app,
      secrets: app.secrets.map((secret) => ({ ...secret, expired: secret.expiresAt <= now })),
      assignedUsers: app.assignedUserIds.map(userName),
    })),
    sites: [...store.sites.values()].map((site) => ({
      id: site.id,
      displayName: site.displayName,
      webUrl: site.webUrl,
      roles: Object.fromEntries(Object.entries(site.roles).map(([id, role]) => [userName(id), role])),
      followers: site.followers.map(userName),
      drives: site.driveIds.map((driveId) => {
        const drive = store.drive(driveId);
        return {
          id: drive.id,
          name: drive.name,
          driveType: drive.driveType,
          columns: drive.columns.map((column) => column.name),
          items: driveLines(ctx, drive),
        };
      }),
    })),
    teams: [...store.teams.values()].map((team) => ({
      id: team.id,
      displayName: team.displayName,
      members: team.memberIds.map(userName),
      channels: team.channels.map((channel) => ({ id: channel.id, displayName: channel.displayName })),
    })),
    tokens: {
      access: [...ctx.tokens.access.values()].filter((token) => !token.revoked && token.expiresAt > now)
        .length,
      refresh: [...ctx.tokens.refresh.values()].filter(
        (token) => !token.revoked && token.redeemedAt === undefined,
      ).length,
    },
    uploadSessions: ctx.uploads.sessions.size,
    faults: ctx.faults.config,
    bearerOnPreauthenticated: ctx.faults.bearerOnPreauthenticated,
  };
}

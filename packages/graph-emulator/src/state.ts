/**
 * `--state FILE`: the directory, the content metadata and live tokens saved as JSON (contents stay in
 * `FILE.blobs/`), written on request, shortly after changes, and on close; loaded at start when the
 * file exists, instead of the sample data.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AppRegistration, Drive, DriveItem, Site, Team, Tenant, User } from './model.ts';
import type { AccessToken, RefreshToken, TokenService } from './oauth/tokens.ts';
import type { Store } from './store/store.ts';

interface SavedState {
  version: 1;
  tenants: Tenant[];
  users: User[];
  apps: AppRegistration[];
  sites: Site[];
  drives: Drive[];
  items: DriveItem[];
  teams: Team[];
  access: AccessToken[];
  refresh: RefreshToken[];
}

export async function saveState(file: string, store: Store, tokens: TokenService): Promise<void> {
  const state: SavedState = {
    version: 1,
    tenants: [...store.tenants.values()],
    users: [...store.users.values()],
    apps: [...store.apps.values()],
    sites: [...store.sites.values()],
    drives: [...store.drives.values()],
    items: [...store.items.values()],
    teams: [...store.teams.values()],
    access: [...tokens.access.values()],
    refresh: [...tokens.refresh.values()],
  };
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

/** Loads the file into the (empty) store; false when there is no file yet. */
export async function loadState(file: string, store: Store, tokens: TokenService): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const state = JSON.parse(text) as SavedState;
  if (state.version !== 1) throw new Error(`${file}: unsupported state version ${String(state.version)}`);
  for (const tenant of state.tenants) store.tenants.set(tenant.id, tenant);
  for (const user of state.users) store.users.set(user.id, user);
  for (const app of state.apps) store.apps.set(app.clientId, app);
  for (const site of state.sites) store.sites.set(site.id.toLowerCase(), site);
  for (const drive of state.drives) store.drives.set(drive.id, drive);
  for (const team of state.teams) store.teams.set(team.id, team);
  for (const item of state.items) {
    store.items.set(item.id, item);
    if (item.deletedAt === undefined) store.link(item);
  }
  for (const token of state.access) tokens.access.set(token.token, token);
  for (const token of state.refresh) tokens.refresh.set(token.token, token);
  return true;
}

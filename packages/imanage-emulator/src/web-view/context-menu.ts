/**
 * Which context-menu commands a user sees on an item, and the URL each opens. Commands come from
 * enabled applications the user may use, whose targets include the item's kind. The URL is the
 * manifest's, with {settings.<key>} filled from the application's Settings step, plus these query
 * parameters (emulator-specific; iManage's own mechanism is not public):
 *
 *   customer_id  the customer id (as in /api)
 *   library      the library id, e.g. ACTIVE
 *   ids          comma-separated iManage ids of the selection (ACTIVE!1001.2,ACTIVE!107)
 *   user         the emulator user id of the person who chose the command
 */
import type { ImanageContextMenuTarget } from '../../../contracts/src/imanage-manifest.ts';
import type { EmulatorContext } from '../context.ts';
import { applicationAllowsUser, type EmulatorUser } from '../model.ts';

export interface MenuCommand {
  clientId: string;
  id: string;
  label: string;
  url: string;
  multiSelect: boolean;
  openInNewTab: boolean;
  targets: ImanageContextMenuTarget[];
}

export function commandsFor(
  ctx: EmulatorContext,
  user: EmulatorUser,
  kind: ImanageContextMenuTarget,
): Omit<MenuCommand, 'url'>[] {
  const commands: Omit<MenuCommand, 'url'>[] = [];
  for (const app of ctx.store.applications.values()) {
    if (!app.enabled || !applicationAllowsUser(app, user.id)) continue;
    for (const command of app.context_menu) {
      if (!command.targets.includes(kind)) continue;
      commands.push({
        clientId: app.client_id,
        id: command.id,
        label: command.label,
        multiSelect: command.multi_select,
        openInNewTab: command.open_in === 'new_tab',
        targets: command.targets,
      });
    }
  }
  return commands;
}

export function commandUrl(
  ctx: EmulatorContext,
  command: { clientId: string; id: string },
  selection: { library: string; ids: string[]; userId: string },
): string {
  const app = ctx.store.applications.get(command.clientId);
  const template = app?.context_menu.find((c) => c.id === command.id)?.url ?? '';
  const filled = template.replace(
    /\{settings\.([a-z0-9_]+)\}/g,
    (_, key: string) => app?.settings[key] ?? '',
  );
  const url = new URL(filled);
  url.searchParams.set('customer_id', String(ctx.customerId));
  url.searchParams.set('library', selection.library);
  url.searchParams.set('ids', selection.ids.join(','));
  url.searchParams.set('user', selection.userId);
  return url.toString();
}

/** The commands for one item with their URLs; a command whose filled-in URL is invalid is left out. */
export function menuFor(
  ctx: EmulatorContext,
  user: EmulatorUser,
  item: { kind: ImanageContextMenuTarget; library: string; id: string },
): MenuCommand[] {
  return commandsFor(ctx, user, item.kind).flatMap((command) => {
    try {
      return [
        {
          ...command,
          url: commandUrl(ctx, command, { library: item.library, ids: [item.id], userId: user.id }),
        },
      ];
    } catch {
      return [];
    }
  });
}

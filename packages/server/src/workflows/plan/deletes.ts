import { findOrphans } from './orphans.ts';
import type { PlanState } from './state.ts';
import type { Action, LinkRow } from './types.ts';

/**
 * Links whose source the listing did not find: a sync deletes their copies (when the delete trigger is
 * on); other types, ignored items and items never copied only forget the link.
 */
export function planUnseen(state: PlanState): void {
  const { links } = state.input;
  for (const link of links.values()) {
    if (state.seen.has(link.sourceId)) continue;
    if (!state.sync || link.state === 'ignored' || !link.targetId) {
      state.actions.push({ type: 'forget', link });
      continue;
    }
    const trigger = link.kind === 'folder' ? 'folderDeleted' : 'fileDeleted';
    const sourcePath = linkPath(link, links);
    if (state.on(trigger)) state.deferred.push({ type: 'delete', link, sourcePath });
    else state.triggerOff(link.kind as 'folder' | 'document', link.sourceId, sourcePath, trigger);
  }
}

/** Copies on the target whose source and link are gone (plan/orphans.ts), where deletes are on. */
export async function planRepairs(state: PlanState): Promise<void> {
  const { orphans, links, signal } = state.input;
  if (!orphans) return;
  for (const repair of await findOrphans(orphans, links, signal))
    if (state.on(repair.link.kind === 'folder' ? 'folderDeleted' : 'fileDeleted'))
      state.deferred.push(repair);
}

/** The last known source path of a linked item, from the chain of its parents' links. */
export function linkPath(link: LinkRow, links: Map<string, LinkRow>): string {
  const names = [link.sourceName];
  let parent = link.sourceParentId ? links.get(link.sourceParentId) : undefined;
  for (let hops = 0; parent && hops < 1000; hops++) {
    names.unshift(parent.sourceName);
    parent = parent.sourceParentId ? links.get(parent.sourceParentId) : undefined;
  }
  return names.join('/');
}

/** Deletes run documents first, then folders, deepest first, so that a folder is empty when it goes. */
export function orderDeletes(actions: Action[]): Action[] {
  const rank = (a: Action) => {
    const kind = 'item' in a ? a.item.kind : 'link' in a ? a.link.kind : 'document';
    return kind === 'document' ? 0 : 1;
  };
  return [...actions].sort((a, b) => rank(a) - rank(b) || depth(pathOf(b)) - depth(pathOf(a)));
}

function depth(path: string): number {
  return path.split('/').length;
}

function pathOf(a: Action): string {
  return 'sourcePath' in a ? a.sourcePath : '';
}

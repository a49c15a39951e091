import type { ContentItem } from '../../connectors/content.ts';
import type { PlanState } from './state.ts';
import type { LinkRow } from './types.ts';
import { sameTime } from './versions.ts';
import { relocationTrigger } from './visit.ts';

/**
 * Where source ids are paths, a renamed or moved item looks new, and its old link looks deleted. Items
 * whose stable identity matches an unseen link become renames or moves of that link instead (in place,
 * so folders still come before their contents); contents that simply travelled with their folder are
 * marked implicit.
 */
export function recogniseRelocations(state: PlanState): void {
  const { actions, seen } = state;
  const unseen = new Map<string, LinkRow>();
  for (const link of state.input.links.values()) {
    if (!seen.has(link.sourceId) && link.state === 'linked' && link.sourceIdentity)
      unseen.set(`${link.kind}:${link.sourceIdentity}`, link);
  }
  if (unseen.size === 0) return;
  /** Old source id → new, for folders recognised so far. */
  const renamed = new Map<string, string>();
  for (const [index, action] of actions.entries()) {
    if ((action.type !== 'create' && action.type !== 'create_folder') || !action.item.identity) continue;
    const key = `${action.item.kind}:${action.item.identity}`;
    const link = unseen.get(key);
    if (!link || !sameDocument(action, link)) continue;
    const oldParent = link.sourceParentId ?? '';
    const moved = (renamed.get(oldParent) ?? oldParent) !== action.parentSourceId;
    const implicit = !moved && renamed.has(oldParent) && link.sourceName === action.item.name;
    const trigger = relocationTrigger(moved, action.item.kind === 'folder');
    if (!implicit && (link.sourceName !== action.item.name || moved) && !state.on(trigger)) continue;
    unseen.delete(key);
    seen.add(link.sourceId);
    renamed.set(link.sourceId, action.item.id);
    const { item, parentSourceId, name, sourcePath } = action;
    actions[index] = {
      type: moved ? 'move' : 'rename',
      item,
      parentSourceId,
      name,
      sourcePath,
      link,
      implicit,
    };
  }
}

/** Identities (inode numbers) are reused after deletes: a document must also keep its size and time. */
function sameDocument(action: { item: ContentItem }, link: LinkRow): boolean {
  return (
    action.item.kind !== 'document' ||
    (link.sourceSize === (action.item.size ?? null) &&
      sameTime(link.sourceModifiedAt, action.item.modifiedAt))
  );
}

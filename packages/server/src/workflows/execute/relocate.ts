import { ContentError, type ContentItem } from '../../connectors/content.ts';
import type { Action } from '../planner.ts';
import type { Execution } from './context.ts';

export type RelocateAction = Extract<Action, { type: 'rename' | 'move' }>;

/** Re-keys a link whose source id changed (path-addressed sources) and records the new source state. */
function relink(
  run: Execution,
  action: RelocateAction,
  target: { targetId: string; targetParentId: string | null },
): void {
  if (action.link.sourceId !== action.item.id) run.forget(action.link.sourceId);
  run.setLink({
    ...action.link,
    sourceId: action.item.id,
    sourceParentId: action.parentSourceId,
    sourceName: action.item.name,
    sourceIdentity: action.item.identity ?? action.link.sourceIdentity,
    ...target,
    targetName: action.implicit ? action.link.targetName : action.name,
    lastRunId: run.input.runId,
    updatedAt: new Date(),
  });
}

/**
 * Renames or moves an item's copy on the target to follow its source. An implicit move (a parent's
 * rename carried it along) only updates the link.
 */
export async function relocate(run: Execution, planned: RelocateAction) {
  const current = run.links.get(planned.link.sourceId) ?? planned.link;
  const action = { ...planned, link: current };
  if (action.implicit) {
    relink(run, action, { targetId: current.targetId!, targetParentId: current.targetParentId });
    return { targetId: current.targetId };
  }
  const parentTarget = run.targetOf(action.parentSourceId);
  if (parentTarget === undefined || !action.link.targetId)
    throw new ContentError('content_not_found', 'Its new folder is not on the target, so it was not moved.');
  const before: ContentItem = {
    id: action.link.targetId,
    kind: action.item.kind,
    name: action.link.targetName ?? action.item.name,
    parentId: action.link.targetParentId,
  };
  const after = await run.input.target.relocate(
    before,
    { parentId: parentTarget, name: action.name },
    run.input.signal,
  );
  relink(run, action, { targetId: after.id, targetParentId: parentTarget });
  if (after.id !== before.id) rebaseDescendants(run, before.id, after.id);
  return { targetId: after.id, renamedFrom: action.name !== action.item.name ? action.item.name : null };
}

/** Path-addressed targets (local folders) give a moved folder's descendants new ids too. */
function rebaseDescendants(run: Execution, from: string, to: string): void {
  for (const link of run.links.values()) {
    if (!link.targetId?.startsWith(`${from}/`)) continue;
    run.setLink({
      ...link,
      targetId: to + link.targetId.slice(from.length),
      targetParentId: link.targetParentId?.startsWith(from)
        ? to + link.targetParentId.slice(from.length)
        : link.targetParentId,
    });
  }
}

import type { Action, LinkRow } from '../planner.ts';
import type { TwoWayInput } from './input.ts';

export type Direction = 'forward' | 'backward';
/** Links (by source id) whose update in that direction waits: the other side's edit was kept. */
/**
 * Per direction, the links whose update a conflict holds back; and the comments that go with the
 * updates a conflict lets through (`direction:linkSourceId`), for systems that keep one per version.
 */
export type Held = Record<Direction, Set<string>> & { comments: Map<string, string> };

/** A link whose item was deleted on one side: the other side's item stays, and is no longer synced. */
const deletedOn = { forward: 'deleted_source', backward: 'deleted_target' } as const;
const isDeleted = (link: LinkRow | undefined) => !!link?.state.startsWith('deleted_');

/** Links seen from one direction's ids (source ids forward, target ids backward). */
function linkFinder(input: TwoWayInput, direction: Direction): (id: string) => LinkRow | undefined {
  if (direction === 'forward') return (id) => input.links.get(id);
  const byTarget = new Map<string, LinkRow>();
  for (const link of input.links.values()) if (link.targetId) byTarget.set(link.targetId, link);
  return (id) => byTarget.get(id);
}

function keep(input: TwoWayInput, link: LinkRow): void {
  input.links.set(link.sourceId, link);
  if (!input.dryRun) input.recorder.link(link);
}

/**
 * Deletes are never carried over. The first time an item is found deleted on one side its link is
 * marked so (and the run says so); once it is gone from both sides the link is forgotten.
 */
export function recordDeletes(input: TwoWayInput, direction: Direction, actions: Action[]): void {
  const find = linkFinder(input, direction);
  const other = direction === 'forward' ? deletedOn.backward : deletedOn.forward;
  const [here, there] =
    direction === 'forward'
      ? [input.systems.source, input.systems.target]
      : [input.systems.target, input.systems.source];
  for (const action of actions) {
    if (action.type !== 'delete') continue;
    const link = find(action.link.sourceId);
    if (!link || link.state === deletedOn[direction]) continue;
    if (link.state === other || link.state !== 'linked') {
      input.links.delete(link.sourceId);
      if (!input.dryRun) input.recorder.forget(link.sourceId);
      continue;
    }
    keep(input, { ...link, state: deletedOn[direction], lastRunId: input.runId, updatedAt: new Date() });
    input.recorder.record(
      {
        action: 'skip',
        kind: link.kind,
        outcome: input.dryRun ? 'planned' : 'skipped',
        sourceId: link.sourceId,
        sourcePath: action.sourcePath,
        targetId: link.targetId,
        direction,
        errorCode: 'workflow_delete_not_propagated',
        error: `Deleted in ${here}. A two-way sync does not carry deletes over: it stays in ${there}, and is no longer synced.`,
      },
      'skipped',
    );
  }
}

/**
 * A one-way plan made fit for a two-way pass: deletes were recorded already, nothing is done for an item
 * deleted on either side or whose update waits for a conflict, nothing is created in a folder deleted on
 * the other side, and an "update" whose content is the very bytes last written (same sha256) only
 * refreshes the link.
 */
export function settle(input: TwoWayInput, direction: Direction, actions: Action[], held: Held): Action[] {
  recordDeletes(input, direction, actions);
  const find = linkFinder(input, direction);
  const out: Action[] = [];
  for (const action of actions) {
    if (action.type === 'delete') continue;
    if (!('item' in action) || action.type === 'ignore') {
      out.push(action);
      continue;
    }
    const link = find(action.item.id) ?? (action.link ? find(action.link.sourceId) : undefined);
    if (isDeleted(link)) continue;
    if (action.type === 'update' && link && held[direction].has(link.sourceId)) continue;
    if (
      (action.type === 'create' || action.type === 'create_folder') &&
      isDeleted(find(action.parentSourceId))
    ) {
      out.push({
        type: 'skip',
        kind: action.item.kind,
        sourceId: action.item.id,
        sourcePath: action.sourcePath,
        reason: 'Its folder was deleted on the other side, so it was not copied there.',
      });
      continue;
    }
    if (action.type === 'update' && link && sameBytes(action.item, link, direction)) {
      keep(input, refreshed(link, action.item, direction));
      continue;
    }
    const comment =
      action.type === 'update' && link ? held.comments.get(`${direction}:${link.sourceId}`) : undefined;
    out.push(comment && action.type === 'update' ? { ...action, comment } : action);
  }
  return out;
}

function sameBytes(item: Extract<Action, { item: unknown }>['item'], link: LinkRow, direction: Direction) {
  const size = direction === 'forward' ? link.sourceSize : link.size;
  return !!link.sha256 && item.checksum?.toLowerCase() === `sha256:${link.sha256}` && item.size === size;
}

function refreshed(
  link: LinkRow,
  item: Extract<Action, { item: unknown }>['item'],
  direction: Direction,
): LinkRow {
  const state = { version: item.version ?? null, modifiedAt: item.modifiedAt ?? null };
  return direction === 'forward'
    ? { ...link, sourceVersion: state.version, sourceModifiedAt: state.modifiedAt }
    : { ...link, targetVersion: state.version, targetModifiedAt: state.modifiedAt };
}

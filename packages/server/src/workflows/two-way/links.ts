import type { PlanRecorder } from '../executor.ts';
import type { LinkRow } from '../planner.ts';
import type { RunItemRecord } from '../recorder.ts';

/**
 * A two-way sync keeps one link per pair of items, keyed by the source side's id, recording both sides
 * alike (id, parent, name, version, size, time, identity). The backward pass (target to source) plans
 * and executes with the same planner and executor as a one-way sync, over the links turned round: the
 * target's fields read as the source's. `turnRound` is its own inverse.
 */
export function turnRound(link: LinkRow): LinkRow {
  return {
    ...link,
    sourceId: link.targetId ?? '',
    sourceParentId: link.targetParentId,
    sourceName: link.targetName ?? link.sourceName,
    sourceVersion: link.targetVersion,
    sourceSize: link.size,
    sourceModifiedAt: link.targetModifiedAt,
    sourceIdentity: link.targetIdentity,
    targetId: link.sourceId,
    targetParentId: link.sourceParentId,
    targetName: link.sourceName,
    targetVersion: link.sourceVersion,
    size: link.sourceSize,
    targetModifiedAt: link.sourceModifiedAt,
    targetIdentity: link.sourceIdentity,
  };
}

/** The links seen from the target side, keyed by target id (links without a target item are left out). */
export function turnedLinks(links: Map<string, LinkRow>): Map<string, LinkRow> {
  const turned = new Map<string, LinkRow>();
  for (const link of links.values()) if (link.targetId) turned.set(link.targetId, turnRound(link));
  return turned;
}

/** Items recorded with their direction; the planned figures of both passes add up. */
export function directedRecorder(
  recorder: PlanRecorder,
  direction: 'forward' | 'backward',
  planned: { count: number; bytes: number },
): PlanRecorder {
  const base = { ...planned };
  return {
    counts: recorder.counts,
    record: (item: RunItemRecord, counter) => recorder.record({ ...item, direction }, counter),
    link: (link) => recorder.link(link),
    forget: (sourceId) => recorder.forget(sourceId),
    setPlanned(count, bytes) {
      planned.count = base.count + count;
      planned.bytes = base.bytes + bytes;
      recorder.setPlanned(planned.count, planned.bytes);
    },
  };
}

/**
 * The recorder of the backward pass: the executor links and forgets in the turned-round view (keyed by
 * target id); this turns each change back, keeps `links` (keyed by source id) up to date, and re-keys a
 * link whose source id changed (a path-addressed source renamed or moved by this pass).
 */
export function turnedRecorder(
  recorder: PlanRecorder,
  links: Map<string, LinkRow>,
  planned: { count: number; bytes: number },
): PlanRecorder {
  const sourceIdOf = new Map<string, string>();
  for (const link of links.values()) if (link.targetId) sourceIdOf.set(link.targetId, link.sourceId);
  const directed = directedRecorder(recorder, 'backward', planned);
  return {
    ...directed,
    link(turned) {
      const link = turnRound(turned);
      const previous = sourceIdOf.get(turned.sourceId);
      if (previous !== undefined && previous !== link.sourceId) {
        links.delete(previous);
        recorder.forget(previous);
      }
      sourceIdOf.set(turned.sourceId, link.sourceId);
      links.set(link.sourceId, link);
      recorder.link(link);
    },
    forget(targetId) {
      const sourceId = sourceIdOf.get(targetId);
      if (sourceId === undefined) return;
      sourceIdOf.delete(targetId);
      links.delete(sourceId);
      recorder.forget(sourceId);
    },
  };
}

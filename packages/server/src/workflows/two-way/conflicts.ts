import type { ConflictPolicy, RunItem } from '@lexbridge/contracts';
import type { ContentItem, ContentStore, NameRules } from '../../connectors/content.ts';
import type { Action, LinkRow } from '../planner.ts';
import { assignSafeNames } from '../safe-names.ts';

export type Side = 'source' | 'target';
type Update = Extract<Action, { versions: unknown }>;

/** A document changed on both sides since the last pass: its link and each side's update. */
export interface Conflict {
  link: LinkRow;
  source: Update;
  target: Update;
}

/** Pairs the forward and backward updates of the same link (the backward one is keyed by target id). */
export function findConflicts(forward: Action[], backward: Action[]): Conflict[] {
  const backwardUpdates = new Map<string, Update>();
  for (const action of backward)
    if (action.type === 'update' && action.link?.targetId) backwardUpdates.set(action.link.targetId, action);
  const conflicts: Conflict[] = [];
  for (const action of forward) {
    if (action.type !== 'update' || !action.link) continue;
    const target = backwardUpdates.get(action.link.sourceId);
    if (target) conflicts.push({ link: action.link, source: action, target });
  }
  return conflicts;
}

/**
 * Whose edit stays in place on both sides. Keep both: the side that keeps versions receives the other's
 * edit as a new version (its own edit stays in its history), so the other side's edit is the one kept;
 * when neither keeps versions, the newer edit. Ties and unknown times go to the source.
 */
export function keptSide(policy: ConflictPolicy, conflict: Conflict, versions: Record<Side, boolean>): Side {
  const newer = (): Side =>
    (conflict.target.item.modifiedAt?.getTime() ?? 0) > (conflict.source.item.modifiedAt?.getTime() ?? 0)
      ? 'target'
      : 'source';
  switch (policy) {
    case 'source_wins':
      return 'source';
    case 'target_wins':
      return 'target';
    case 'newest_wins':
      return newer();
    case 'keep_both':
      return versions.source ? 'target' : versions.target ? 'source' : newer();
  }
}

/** "Brief (conflict from SharePoint, 2026-12-01 10.42).docx": the other side's edit, beside the kept one. */
export function conflictCopyName(name: string, from: string, at: Date, rules: NameRules): string {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const time = at.toISOString().slice(0, 16).replace('T', ' ');
  const stamp = rules.windows ? time.replace(':', '.') : time;
  const wanted = `${stem} (conflict from ${from}, ${stamp})${extension}`;
  return assignSafeNames([{ id: 'copy', name: wanted }], rules).get('copy') ?? wanted;
}

export interface ConflictCopy {
  side: Side;
  id: string;
  name: string;
}

/**
 * Writes the losing side's edit beside the kept document, verified like any copy; a copy of that name
 * already there (a rerun after a crash) is kept rather than written twice.
 */
export async function writeConflictCopy(input: {
  from: ContentStore;
  to: ContentStore;
  item: ContentItem;
  beside: ContentItem;
  name: string;
  side: Side;
  runId: string;
  signal: AbortSignal;
}): Promise<ConflictCopy> {
  const parentId = input.beside.parentId ?? '';
  if (!input.to.capabilities.replacesByName) {
    const existing = await input.to.findChild(parentId, input.name, input.signal);
    if (existing) return { side: input.side, id: existing.id, name: input.name };
  }
  const { stream, size } = await input.from.openRead(input.item, { signal: input.signal });
  const expected = input.item.size ?? size;
  const sha = input.item.checksum?.toLowerCase().startsWith('sha256:')
    ? input.item.checksum.slice(7).toLowerCase()
    : undefined;
  const written = await input.to.writeDocument(parentId, input.name, stream, {
    size: expected,
    signal: input.signal,
    temporaryTag: input.runId,
    verify(w) {
      if ((expected !== undefined && w.size !== expected) || (sha && w.sha256 !== sha))
        throw new Error('The conflict copy does not match the edit it keeps; it was discarded.');
    },
  });
  return { side: input.side, id: written.item.id, name: input.name };
}

/** The run item's conflict record: both versions, the kept side and the copy. */
export function conflictRecord(
  policy: ConflictPolicy,
  conflict: Conflict,
  kept: Side,
  copy: ConflictCopy | null,
): NonNullable<RunItem['conflict']> {
  const { source, target } = conflict;
  return {
    policy,
    kept,
    sourceId: source.item.id,
    targetId: target.item.id,
    sourceVersion: source.item.version ?? null,
    targetVersion: target.item.version ?? null,
    sourceModifiedAt: source.item.modifiedAt?.toISOString() ?? null,
    targetModifiedAt: target.item.modifiedAt?.toISOString() ?? null,
    copy,
  };
}

/** Plain words for how a conflict was resolved. */
export function describeResolution(
  systems: Record<Side, string>,
  kept: Side,
  versions: Record<Side, boolean>,
  copy: { name: string } | null,
): string {
  const lost: Side = kept === 'source' ? 'target' : 'source';
  const keptWords = `Changed in both ${systems.source} and ${systems.target} since the last pass: the ${systems[kept]} edit is now the document on both sides`;
  const history = versions[lost]
    ? `; the ${systems[lost]} edit stays in ${systems[lost]} as the previous version`
    : '';
  const beside = copy
    ? `; the ${systems[lost]} edit is kept beside it in ${systems[kept]} as "${copy.name}"`
    : '';
  const gone = !copy && !versions[lost] ? `; the ${systems[lost]} edit was replaced` : '';
  return `${keptWords}${history}${beside}${gone}.`;
}

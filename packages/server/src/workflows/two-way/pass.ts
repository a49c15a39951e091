import { describeFailure, executePlan } from '../executor.ts';
import { type Action, planSync } from '../planner.ts';
import {
  type ConflictCopy,
  conflictCopyName,
  conflictRecord,
  describeResolution,
  findConflicts,
  keptSide,
  type Side,
  writeConflictCopy,
} from './conflicts.ts';
import type { TwoWayInput } from './input.ts';
import { directedRecorder, turnedLinks, turnedRecorder } from './links.ts';
import { type Direction, type Held, recordDeletes, settle } from './settle.ts';

/**
 * One pass of a two-way sync: lists both sides against the links (each in full, or from its change
 * feed since the last pass: see `TwoWayInput.changedSince`), resolves documents changed on both
 * (conflicts) by the workflow's policy, records deletes without carrying them over, then runs the
 * source-to-target plan and a fresh target-to-source plan through the one-way executor. What the first
 * half wrote is recorded with the target's version and time, so the second half sees it unchanged.
 */
export async function runTwoWayPass(input: TwoWayInput): Promise<void> {
  const planned = { count: 0, bytes: 0 };
  const forward0 = await plan(input, 'forward');
  const backward0 = await plan(input, 'backward');
  // Both sides' deletes are recorded before anything is written, so that neither pass carries one over.
  recordDeletes(input, 'forward', forward0);
  recordDeletes(input, 'backward', backward0);
  const held: Held = { forward: new Set(), backward: new Set(), comments: new Map() };
  const copies = await resolveConflicts(input, findConflicts(forward0, backward0), held, planned);

  const forward = copies.has('source') ? await plan(input, 'forward') : forward0;
  const forwardActions = settle(input, 'forward', forward, held);
  await executePlan({
    ...executeBase(input),
    source: input.source,
    target: input.target,
    sourceRootId: input.sourceRootId,
    targetRootId: input.targetRootId,
    actions: forwardActions,
    links: input.links,
    ...(input.outage ? { outage: input.outage } : {}),
    recorder: directedRecorder(input.recorder, 'forward', planned),
  });
  if (input.signal.aborted) return;

  const wrote = forwardActions.some((a) => a.type !== 'skip' && a.type !== 'forget' && a.type !== 'ignore');
  const fresh = !input.dryRun && (wrote || copies.has('target'));
  const backward = fresh ? await plan(input, 'backward') : backward0;
  const turned = turnedLinks(input.links);
  await executePlan({
    ...executeBase(input),
    source: input.target,
    target: input.source,
    sourceRootId: input.targetRootId,
    targetRootId: input.sourceRootId,
    actions: settle(input, 'backward', backward, held),
    links: turned,
    recorder: turnedRecorder(input.recorder, input.links, planned),
    ...(input.outage ? { outage: input.outage.turned() } : {}),
  });
}

function executeBase(input: TwoWayInput) {
  return {
    runId: input.runId,
    workflowId: input.workflowId,
    dryRun: input.dryRun,
    includeSelectContainer: false,
    // Deletes are never carried over by a two-way sync: settle() turns them into records.
    maxDeletes: 0,
    concurrency: input.concurrency,
    signal: input.signal,
    log: input.log,
    ...(input.connectorSlots ? { connectorSlots: input.connectorSlots } : {}),
  };
}

/**
 * A one-way plan in one direction, over the links as that direction sees them: from the side's change
 * feed where the pass is incremental on that side, else from a full listing. Records where the next
 * pass's change feed of that side may start (see `TwoWayInput.listed`).
 */
async function plan(input: TwoWayInput, direction: Direction): Promise<Action[]> {
  const forward = direction === 'forward';
  const side: Side = forward ? 'source' : 'target';
  const [from, to] = forward ? [input.source, input.target] : [input.target, input.source];
  const since = from.changesSince ? input.changedSince?.[side] : undefined;
  const startedAt = new Date();
  const list = () =>
    planSync({
      type: 'one_way_sync',
      options: { ...input.options, includeSelectContainer: false },
      triggers: input.triggers,
      baselineTaken: input.baselineTaken,
      source: from,
      sourceRootId: forward ? input.sourceRootId : input.targetRootId,
      targetNames: to.capabilities.names,
      targetVersions: to.capabilities.versions,
      links: forward ? input.links : turnedLinks(input.links),
      ...(since ? { changedSince: since } : {}),
      signal: input.signal,
    });
  // A side that stops answering while listed makes the run wait for it, as items do, then lists again.
  const result = input.outage ? await input.outage.retrying(side, list) : await list();
  if (input.listed)
    input.listed[side] = { newest: from.changeWatermark ? from.changeWatermark() : startedAt };
  return result.actions;
}

/**
 * Settles each conflict before either pass writes: records it, writes the conflict copy (keep both),
 * and holds the losing direction's update. Returns the sides that received a conflict copy.
 */
async function resolveConflicts(
  input: TwoWayInput,
  conflicts: ReturnType<typeof findConflicts>,
  held: Held,
  planned: { count: number; bytes: number },
): Promise<Set<Side>> {
  const sides = new Set<Side>();
  const policy = input.options.conflictPolicy;
  const versions = {
    source: input.source.capabilities.versions,
    target: input.target.capabilities.versions,
  };
  planned.count += conflicts.length;
  for (const conflict of conflicts) {
    if (input.signal.aborted) return sides;
    const kept = keptSide(policy, conflict, versions);
    const lost: Side = kept === 'source' ? 'target' : 'source';
    held[kept === 'source' ? 'backward' : 'forward'].add(conflict.link.sourceId);
    const keptItem = conflict[kept].item;
    const lostItem = conflict[lost].item;
    const store = (side: Side) => (side === 'source' ? input.source : input.target);
    const name =
      policy === 'keep_both'
        ? conflictCopyName(
            keptItem.name,
            input.systems[lost],
            lostItem.modifiedAt ?? new Date(),
            store(kept).capabilities.names,
          )
        : null;
    const base = {
      action: 'conflict' as const,
      kind: 'document' as const,
      sourceId: conflict.source.item.id,
      sourcePath: conflict.source.sourcePath,
      targetId: conflict.target.item.id,
      targetPath: conflict.target.sourcePath,
      errorCode: 'workflow_conflict',
    };
    if (name && versions[lost])
      held.comments.set(
        `${kept === 'source' ? 'forward' : 'backward'}:${conflict.link.sourceId}`,
        `Two-way sync conflict: the ${input.systems[kept]} edit; the edit made here is the version before, and "${name}" in ${input.systems[kept]}.`,
      );
    let copy: ConflictCopy | null = name ? { side: kept, id: '', name } : null;
    try {
      if (name && !input.dryRun) {
        copy = await writeConflictCopy({
          from: store(lost),
          to: store(kept),
          item: lostItem,
          beside: keptItem,
          name,
          side: kept,
          runId: input.runId,
          signal: input.signal,
        });
        sides.add(kept);
      }
    } catch (err) {
      // Neither edit may be lost: nothing is written either way, and the next pass tries again.
      held[lost === 'source' ? 'backward' : 'forward'].add(conflict.link.sourceId);
      const failure = describeFailure(err);
      input.recorder.record(
        { ...base, outcome: 'failed', ...failure, conflict: conflictRecord(policy, conflict, kept, null) },
        'failed',
      );
      continue;
    }
    input.recorder.record(
      {
        ...base,
        outcome: input.dryRun ? 'planned' : 'done',
        error: describeResolution(input.systems, kept, versions, copy),
        conflict: conflictRecord(policy, conflict, kept, copy),
      },
      null,
    );
  }
  return sides;
}

import type { Action } from '../planner.ts';
import { deleteLinkedTarget } from '../target-delete.ts';
import type { Execution } from './context.ts';
import { perform, VerificationFailed } from './perform.ts';

export type DeleteAction = Extract<Action, { type: 'delete' | 'delete_source' }>;

/**
 * The last step of a plan: deletes, only after a run without failures, after `beforeDeletes` let them
 * through, and within the max-delete limit; otherwise every delete is recorded as held, with the reason.
 */
export async function runDeletes(run: Execution, deletes: DeleteAction[]): Promise<void> {
  const { input } = run;
  if (input.signal.aborted || (deletes.length === 0 && !input.beforeDeletes)) return;
  const { failed } = input.recorder.counts;
  if (failed > 0) {
    return hold(
      run,
      deletes,
      `Not deleted: ${failed} item(s) failed earlier in this run, and deletes wait for a run without errors.`,
      'workflow_deletes_held',
    );
  }
  if (input.beforeDeletes) {
    const held = await input.beforeDeletes({ recorder: input.recorder, links: run.links });
    if (input.signal.aborted) return;
    if (held) return hold(run, deletes, held.reason, held.errorCode);
  }
  const targetDeletes = deletes.filter((a) => a.type === 'delete').length;
  if (targetDeletes > input.maxDeletes) {
    return hold(
      run,
      deletes,
      `Not deleted: this run would delete ${targetDeletes} items, more than the limit of ${input.maxDeletes}. Check the source; if the deletes are intended, raise the workflow's maximum deletes and run it again.`,
      'workflow_max_deletes_exceeded',
    );
  }
  for (const action of deletes) {
    if (input.signal.aborted) break;
    if (action.type === 'delete') await deleteTarget(run, action);
    else await deleteSource(run, action);
  }
}

function hold(run: Execution, deletes: DeleteAction[], reason: string, errorCode: string): void {
  for (const action of deletes) {
    const kind =
      action.type === 'delete_source' ? action.item.kind : (action.link.kind as 'folder' | 'document');
    const sourceId = action.type === 'delete_source' ? action.item.id : action.link.sourceId;
    run.record(
      action,
      { kind, outcome: 'skipped', sourceId, sourcePath: action.sourcePath, error: reason, errorCode },
      'skipped',
    );
  }
}

/** Deletes a linked item's copy from the target (its source is gone) and forgets the link. */
async function deleteTarget(run: Execution, action: Extract<Action, { type: 'delete' }>): Promise<void> {
  const link = run.links.get(action.link.sourceId) ?? action.link; // where this run's renames left it
  await perform(
    run,
    action,
    async () => {
      const outcome = await deleteLinkedTarget(run.input.target, link, run.links, run.input.signal);
      run.forget(link.sourceId);
      return outcome;
    },
    {
      kind: link.kind,
      sourceId: link.sourceId,
      sourcePath: action.sourcePath,
      targetPath: action.targetPath ?? run.targetPathOf(link.sourceId),
    },
  );
}

/**
 * A Move's removal of a source item once its copy is in place: only an item copied (in this run or an
 * earlier one) whose copy still has the size copied; a folder only once empty.
 */
async function deleteSource(run: Execution, action: Extract<Action, { type: 'delete_source' }>) {
  const { input } = run;
  if (action.item.id === input.sourceRootId) return;
  const link = run.links.get(action.item.id);
  // Not copied in this or an earlier run: keep it (a dry run shows what a real run would remove).
  if (!input.dryRun && (!link || link.state !== 'linked' || !link.targetId)) return;
  await perform(
    run,
    action,
    async () => {
      const copied = link!;
      if (action.item.kind === 'folder') {
        for await (const _left of input.source.listChildren(action.item.id, input.signal)) {
          return {
            outcome: 'skipped',
            errorCode: 'workflow_item_skipped',
            error: 'The folder was kept: it still holds items that were not moved.',
          };
        }
      }
      const copy = await input.target.getItem(copied.targetId!, input.signal);
      if (
        copy.kind === 'document' &&
        copied.size !== null &&
        copy.size !== undefined &&
        copy.size !== Number(copied.size)
      ) {
        throw new VerificationFailed(
          'The copy on the target no longer matches what was copied, so the source was kept.',
        );
      }
      await input.source.delete(action.item, input.signal);
      run.forget(copied.sourceId);
      return { targetId: copied.targetId };
    },
    run.placed(action),
  );
}

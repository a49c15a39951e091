import { ContentError } from '../connectors/content.ts';
import { withConnectorSlots } from './connector-slots.ts';
import { Execution } from './execute/context.ts';
import { type CopyAction, copyDocument } from './execute/copy-document.ts';
import { type DeleteAction, runDeletes } from './execute/deletes.ts';
import type { ExecuteInput } from './execute/input.ts';
import { perform, runConcurrently } from './execute/perform.ts';
import { type RelocateAction, relocate } from './execute/relocate.ts';
import type { Action } from './planner.ts';

export type { ExecuteInput, PlanRecorder } from './execute/input.ts';
export { describeFailure, ReauthoriseNeeded } from './execute/perform.ts';

/**
 * Carries out a plan: folders first (in order), then documents with bounded concurrency, then deletes.
 * Each document streams from source to target, is verified by size (and by sha256 where the source
 * reports one) before it becomes visible, and is linked only after that. Deletes are held back when
 * anything failed earlier in the run, and refused as a whole when there are more than `maxDeletes`.
 */
export async function executePlan(input: ExecuteInput): Promise<void> {
  const run = new Execution(input);
  const { actions } = input;
  input.recorder.setPlanned(
    actions.filter((a) => a.type !== 'ignore' && a.type !== 'forget').length,
    actions.reduce(
      (sum, a) => sum + ((a.type === 'create' || a.type === 'update') && a.item.size ? a.item.size : 0),
      0,
    ),
  );
  const { documents, deletes } = await runFolderActions(run);
  await runDocumentActions(run, documents);
  await runDeletes(run, deletes);
}

/**
 * Step 1: folders, in plan order (parents first), and bookkeeping actions; returns the document and
 * delete actions for the later steps.
 */
async function runFolderActions(run: Execution) {
  const { input } = run;
  const documents: Action[] = [];
  const deletes: DeleteAction[] = [];
  for (const action of input.actions) {
    if (input.signal.aborted) break;
    switch (action.type) {
      case 'create_folder':
        await perform(run, action, () => createFolder(run, action), run.placed(action));
        break;
      case 'rename':
      case 'move':
        if (action.implicit && !input.dryRun) await relocate(run, action);
        else if (action.item.kind === 'folder')
          await perform(run, action, () => relocate(run, action), run.placed(action));
        else documents.push(action);
        break;
      case 'skip':
        run.record(
          action,
          {
            kind: action.kind,
            outcome: 'skipped',
            sourceId: action.sourceId,
            sourcePath: action.sourcePath,
            error: action.reason,
            errorCode: 'workflow_item_skipped',
          },
          'skipped',
        );
        break;
      case 'ignore':
        if (!input.dryRun) run.setLink(run.newLink(action, { state: 'ignored', targetName: null }));
        break;
      case 'forget':
        if (!input.dryRun) run.forget(action.link.sourceId);
        break;
      case 'delete':
      case 'delete_source':
        deletes.push(action);
        break;
      default:
        documents.push(action);
    }
  }
  return { documents, deletes };
}

async function createFolder(run: Execution, action: Extract<Action, { type: 'create_folder' }>) {
  const parentTarget = run.targetOf(action.parentSourceId);
  if (parentTarget === undefined)
    throw new ContentError('content_not_found', 'Its parent folder could not be created on the target.');
  const folder = await run.input.target.createFolder(parentTarget, action.name, run.input.signal);
  run.setLink(
    run.newLink(action, {
      targetId: folder.id,
      targetParentId: parentTarget,
      targetIdentity: folder.identity ?? null,
    }),
  );
  return { targetId: folder.id };
}

/** Step 2: documents: renames and moves first (they free names), then content, with bounded concurrency. */
async function runDocumentActions(run: Execution, documents: Action[]): Promise<void> {
  const { input } = run;
  const relocations = documents.filter((a): a is RelocateAction => a.type === 'rename' || a.type === 'move');
  for (const action of relocations)
    await perform(run, action, () => relocate(run, action), run.placed(action));
  const copies = documents.filter((a): a is CopyAction => a.type === 'create' || a.type === 'update');
  const slots = input.connectorSlots;
  await runConcurrently(copies, input.concurrency, input.signal, (action) =>
    perform(
      run,
      action,
      () =>
        slots
          ? withConnectorSlots(slots.ids, slots.limit, () => copyDocument(run, action))
          : copyDocument(run, action),
      run.placed(action),
    ),
  );
}

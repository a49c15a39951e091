import type { WorkflowTriggers } from '@lexbridge/contracts';
import type { ContentItem } from '../../connectors/content.ts';
import { assignSafeNames } from '../safe-names.ts';
import { type Action, type LinkRow, type Placed, type PlanInput, ROOT_PARENT } from './types.ts';

/**
 * What a plan builds as it examines the source: the actions in order (folders before their contents),
 * the deletes held for the end, and what it has seen and placed so far.
 */
export class PlanState {
  /** One-way sync: triggers apply and unseen links become deletes. */
  readonly sync: boolean;
  /** Move and Archive copy, then remove the source: each source item gets a deferred delete_source. */
  readonly move: boolean;
  /** The first run of a sync without Sync Existing Files And Folders: remember what exists, copy nothing. */
  readonly ignoreExisting: boolean;
  readonly actions: Action[] = [];
  /** Deletes, run last (see orderDeletes). */
  readonly deferred: Action[] = [];
  /** Source ids examined. */
  readonly seen = new Set<string>();
  /** Folders on the target (or about to be), by source id. */
  readonly materialised: Set<string>;
  /** Every folder examined, so that a folder can be created when its first content needs it. */
  readonly folders = new Map<string, Placed & { link?: LinkRow }>();
  examined = 0;

  constructor(readonly input: PlanInput) {
    this.sync = input.type === 'one_way_sync';
    this.move = input.type === 'move' || input.type === 'archive';
    this.ignoreExisting = this.sync && !input.options.syncExistingFilesAndFolders && !input.baselineTaken;
    this.materialised = new Set([input.options.includeSelectContainer ? ROOT_PARENT : input.sourceRootId]);
  }

  /** True when the trigger lets the change through (Copy, Move and Archive ignore triggers). */
  on(trigger: keyof WorkflowTriggers): boolean {
    return !this.sync || this.input.triggers[trigger];
  }

  /** Plans the folder's creation (and its parents') unless it is on the target already. */
  ensureFolder(sourceId: string): void {
    if (this.materialised.has(sourceId)) return;
    const folder = this.folders.get(sourceId);
    if (!folder) return;
    this.ensureFolder(folder.parentSourceId);
    this.materialised.add(sourceId);
    this.actions.push({ type: 'create_folder', ...folder });
  }

  /** The item's name made safe for the target, on its own (no siblings to avoid). */
  safeName(item: ContentItem): string {
    return assignSafeNames([item], this.input.targetNames).get(item.id)!;
  }

  skip(kind: 'folder' | 'document', sourceId: string, sourcePath: string, reason: string): void {
    this.actions.push({ type: 'skip', kind, sourceId, sourcePath, reason });
  }

  /** A change held back because its trigger is off. */
  triggerOff(
    kind: 'folder' | 'document',
    sourceId: string,
    sourcePath: string,
    trigger: keyof WorkflowTriggers,
  ) {
    this.skip(kind, sourceId, sourcePath, `The ${triggerLabel(trigger)} trigger is off.`);
  }
}

export function triggerLabel(trigger: keyof WorkflowTriggers): string {
  return trigger.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

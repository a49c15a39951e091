import type { ContentItem } from '../../connectors/content.ts';
import { OutageGate, type Side } from '../outage.ts';
import { type Action, type LinkRow, ROOT_PARENT } from '../planner.ts';
import type { Counter, RunItemRecord } from '../recorder.ts';
import type { ExecuteInput } from './input.ts';
import { sideTagged } from './watch.ts';

/** An action that names a source item. */
export type ItemAction = Extract<Action, { item: ContentItem }>;

/** What every step of a plan's execution shares: the input, and the links as the run changes them. */
export class Execution {
  readonly input: ExecuteInput;
  readonly outage: OutageGate;

  constructor(input: ExecuteInput) {
    // Failures say which side they came from, for the outage gate and the items' messages.
    this.input = {
      ...input,
      source: sideTagged(input.source, 'source'),
      target: sideTagged(input.target, 'target'),
    };
    this.outage =
      input.outage ??
      new OutageGate({
        probe: (side, signal) => probeStore(this.input, side, signal),
        signal: input.signal,
        log: input.log,
      });
  }

  get links(): Map<string, LinkRow> {
    return this.input.links;
  }

  /** The target folder a source folder became (the roots map onto each other); undefined when not there. */
  targetOf(sourceId: string): string | undefined {
    const { input } = this;
    if (sourceId === ROOT_PARENT || (sourceId === input.sourceRootId && !input.includeSelectContainer))
      return input.targetRootId;
    const link = this.links.get(sourceId);
    return link?.state === 'linked' ? (link.targetId ?? undefined) : undefined;
  }

  /** The target path of a source item (and `name` beneath it), from the links' target names. */
  /** A dry run creates no folder and so no link: the paths its folders would have, for their contents. */
  readonly plannedPaths = new Map<string, string>();

  targetPathOf(sourceId: string, name?: string): string {
    const names = name === undefined ? [] : [name];
    const planned = this.plannedPaths.get(sourceId);
    if (planned !== undefined) return [planned, ...names].join('/');
    let current = this.links.get(sourceId);
    for (let hops = 0; current && hops < 1000 && current.sourceId !== this.input.sourceRootId; hops++) {
      names.unshift(current.targetName ?? current.sourceName);
      current = current.sourceParentId ? this.links.get(current.sourceParentId) : undefined;
    }
    return names.join('/');
  }

  record(action: Action, item: Omit<RunItemRecord, 'action'>, counter: Counter | null): void {
    this.input.recorder.record({ action: action.type, ...item }, counter);
  }

  setLink(link: LinkRow): void {
    this.links.set(link.sourceId, link);
    this.input.recorder.link(link);
  }

  forget(sourceId: string): void {
    this.links.delete(sourceId);
    this.input.recorder.forget(sourceId);
  }

  /** A link for an item this run placed on the target, its source state as planned. */
  newLink(action: ItemAction, fields: Partial<LinkRow>): LinkRow {
    return {
      workflowId: this.input.workflowId,
      sourceId: action.item.id,
      kind: action.item.kind,
      state: 'linked',
      sourceParentId: action.parentSourceId === ROOT_PARENT ? ROOT_PARENT : action.parentSourceId,
      sourceName: action.item.name,
      sourceVersion: action.item.version ?? null,
      sourceSize: action.item.size ?? null,
      sourceModifiedAt: action.item.modifiedAt ?? null,
      sourceIdentity: action.item.identity ?? null,
      targetId: null,
      targetParentId: null,
      targetName: action.name,
      targetVersion: null,
      targetModifiedAt: null,
      targetIdentity: null,
      size: null,
      sha256: null,
      lastRunId: this.input.runId,
      updatedAt: new Date(),
      ...fields,
    };
  }

  /** The run item fields of an action that places an item on the target. */
  placed(action: ItemAction): Omit<RunItemRecord, 'action' | 'outcome'> {
    return {
      kind: action.item.kind,
      sourceId: action.item.id,
      sourcePath: action.sourcePath,
      targetPath: this.targetPathOf(action.parentSourceId, action.name),
      renamedFrom: action.name !== action.item.name ? action.item.name : null,
    };
  }
}

/** One cheap call that needs the side's system: the first child of the run's root there. */
export async function probeStore(
  input: Pick<ExecuteInput, 'source' | 'target' | 'sourceRootId' | 'targetRootId'>,
  side: Side,
  signal: AbortSignal,
): Promise<void> {
  const [store, rootId] =
    side === 'source' ? [input.source, input.sourceRootId] : [input.target, input.targetRootId];
  for await (const _first of store.listChildren(rootId, signal)) break;
}

/** The target side's state as a write left it, recorded so that a two-way pass knows its own write. */
export function writtenState(
  item: ContentItem,
): Pick<LinkRow, 'targetVersion' | 'targetModifiedAt' | 'targetIdentity'> {
  return {
    targetVersion: item.version ?? null,
    targetModifiedAt: item.modifiedAt ?? null,
    targetIdentity: item.identity ?? null,
  };
}

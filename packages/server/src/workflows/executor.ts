import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentVersion,
} from '../connectors/content.ts';
import type { Logger } from '../log.ts';
import { withRetries } from '../retry.ts';
import { withConnectorSlots } from './connector-slots.ts';
import { type Action, type LinkRow, ROOT_PARENT } from './planner.ts';
import type { Counter, RunItemRecord, RunRecorder } from './recorder.ts';

/** What the executor needs of a recorder (a two-way pass records through one that turns links round). */
export type PlanRecorder = Pick<RunRecorder, 'counts' | 'record' | 'link' | 'forget' | 'setPlanned'>;

export interface ExecuteInput {
  runId: string;
  workflowId: string;
  dryRun: boolean;
  source: ContentStore;
  target: ContentStore;
  sourceRootId: string;
  targetRootId: string;
  /** The source root itself is copied into the target root (Include Select Container). */
  includeSelectContainer: boolean;
  actions: Action[];
  /** The workflow's links, updated in place as the run goes. */
  links: Map<string, LinkRow>;
  /** Documents copied at once. */
  concurrency: number;
  /** Target deletes allowed in one run; more than this and none is made. */
  maxDeletes: number;
  signal: AbortSignal;
  recorder: PlanRecorder;
  log: Logger;
  /** Attempts per item for retryable failures. */
  attempts?: number;
  /** Connectors whose per-process slots each document copy holds, and how many slots each has. */
  connectorSlots?: { ids: string[]; limit: number };
  /**
   * Called once everything before the deletes succeeded (also in a dry run), before any delete: a
   * reason returned holds every delete (Archive verifies and stores its manifest here).
   */
  beforeDeletes?(run: {
    recorder: PlanRecorder;
    links: Map<string, LinkRow>;
  }): Promise<{ reason: string; errorCode: string } | undefined>;
}

/** A failure that stops the whole run: the owner must re-authorise a connection. */
export class ReauthoriseNeeded extends Error {
  constructor(readonly cause: ContentError) {
    super(cause.message);
  }
}

/** A copy that does not match its source: discarded, and tried again (a download may have been cut short). */
class VerificationFailed extends ContentError {
  constructor(message: string) {
    super('content_invalid', message, { retryable: true });
  }
}

const counterOf: Partial<Record<Action['type'], Counter>> = {
  create_folder: 'created',
  create: 'created',
  update: 'updated',
  rename: 'updated',
  move: 'updated',
  delete: 'deleted',
  delete_source: 'deleted',
  skip: 'skipped',
};

/** The target side's state as a write left it, recorded so that a two-way pass knows its own write. */
function writtenState(
  item: ContentItem,
): Pick<LinkRow, 'targetVersion' | 'targetModifiedAt' | 'targetIdentity'> {
  return {
    targetVersion: item.version ?? null,
    targetModifiedAt: item.modifiedAt ?? null,
    targetIdentity: item.identity ?? null,
  };
}

/** Plain words for an item's failure, with a stable code. */
export function describeFailure(err: unknown): { errorCode: string; error: string } {
  if (err instanceof VerificationFailed)
    return { errorCode: 'workflow_item_verification_failed', error: err.message };
  if (err instanceof ContentError) return { errorCode: err.code, error: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { errorCode: 'workflow_item_failed', error: `The item could not be copied: ${message}` };
}

/**
 * Carries out a plan: folders first (in order), then documents with bounded concurrency, then deletes.
 * Each document streams from source to target, is verified by size (and by sha256 where the source
 * reports one) before it becomes visible, and is linked only after that. Deletes are held back when
 * anything failed earlier in the run, and refused as a whole when there are more than `maxDeletes`.
 */
export async function executePlan(input: ExecuteInput): Promise<void> {
  const { actions, links, recorder, target, source } = input;
  const targetOf = (sourceId: string): string | undefined => {
    if (sourceId === ROOT_PARENT || (sourceId === input.sourceRootId && !input.includeSelectContainer))
      return input.targetRootId;
    const link = links.get(sourceId);
    return link?.state === 'linked' ? (link.targetId ?? undefined) : undefined;
  };
  const targetPathOf = (sourceId: string, name?: string): string => {
    const names = name === undefined ? [] : [name];
    let current = links.get(sourceId);
    for (let hops = 0; current && hops < 1000 && current.sourceId !== input.sourceRootId; hops++) {
      names.unshift(current.targetName ?? current.sourceName);
      current = current.sourceParentId ? links.get(current.sourceParentId) : undefined;
    }
    return names.join('/');
  };
  const record = (action: Action, item: Omit<RunItemRecord, 'action'>, counter: Counter | null) =>
    recorder.record({ action: action.type, ...item }, counter);

  const setLink = (link: LinkRow) => {
    links.set(link.sourceId, link);
    recorder.link(link);
  };
  const forget = (sourceId: string) => {
    links.delete(sourceId);
    recorder.forget(sourceId);
  };
  const newLink = (action: Extract<Action, { item: ContentItem }>, fields: Partial<LinkRow>): LinkRow => ({
    workflowId: input.workflowId,
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
    lastRunId: input.runId,
    updatedAt: new Date(),
    ...fields,
  });

  /** Runs one action, retrying transient failures, and records its outcome (work may report a skip). */
  const perform = async (
    action: Action,
    work: () => Promise<Partial<Omit<RunItemRecord, 'action' | 'kind'>> | void>,
    base: Omit<RunItemRecord, 'action' | 'outcome'>,
  ) => {
    if (input.signal.aborted) return;
    if (input.dryRun) return record(action, { ...base, outcome: 'planned' }, counterOf[action.type] ?? null);
    try {
      const result = await withRetries(() => work(), {
        policy: { attempts: input.attempts ?? 5, baseDelayMs: 500, maxDelayMs: 30_000 },
        signal: input.signal,
        onRetry: (err, attempt, delayMs) =>
          input.log.warn({ err, attempt, delayMs, item: base.sourcePath }, 'retrying an item'),
      });
      const outcome = result?.outcome ?? 'done';
      record(
        action,
        { ...base, ...(result ?? {}), outcome },
        outcome === 'skipped' ? 'skipped' : (counterOf[action.type] ?? null),
      );
    } catch (err) {
      if (input.signal.aborted) return;
      if (err instanceof ContentError && err.code === 'content_reauthorise') throw new ReauthoriseNeeded(err);
      input.log.warn({ err, item: base.sourcePath }, 'item failed');
      record(action, { ...base, outcome: 'failed', ...describeFailure(err) }, 'failed');
    }
  };

  const copyDocument = async (action: Extract<Action, { type: 'create' | 'update' }>) => {
    const parentTarget = targetOf(action.parentSourceId);
    if (parentTarget === undefined)
      throw new ContentError(
        'content_not_found',
        'Its folder could not be created on the target, so the document was not copied.',
      );
    const versions: (ContentVersion | null)[] = action.versions ?? [null];
    const link = links.get(action.item.id) ?? action.link;
    let existingId = link?.state === 'linked' ? (link.targetId ?? undefined) : undefined;
    let written: Awaited<ReturnType<ContentStore['writeDocument']>> | undefined;
    let version = action.item.version;
    for (const [index, v] of versions.entries()) {
      // Adopt a document of this name left by a run that was killed before linking it: never a second copy.
      if (!target.capabilities.replacesByName)
        existingId ??= (await target.findChild(parentTarget, action.name, input.signal))?.id;
      const { stream, size: streamSize } = await source.openRead(action.item, {
        versionId: v?.id,
        signal: input.signal,
      });
      const expectedSize = v ? v.size : (action.item.size ?? streamSize);
      const expectedSha =
        !v && action.item.checksum?.toLowerCase().startsWith('sha256:')
          ? action.item.checksum.slice(7).toLowerCase()
          : undefined;
      written = await target.writeDocument(parentTarget, action.name, stream, {
        existingId,
        asNewVersion: index > 0 || (action.type === 'update' && action.versions !== null),
        size: expectedSize,
        signal: input.signal,
        temporaryTag: input.runId,
        verify: (w) => {
          if (expectedSize !== undefined && w.size !== expectedSize) {
            throw new VerificationFailed(
              `The copy has ${w.size} bytes but the source has ${expectedSize}; it was discarded and will be tried again on the next run.`,
            );
          }
          if (expectedSha && w.sha256 !== expectedSha)
            throw new VerificationFailed(
              'The copy does not match the source checksum; it was discarded and will be tried again on the next run.',
            );
        },
      });
      existingId = written.item.id;
      if (v) version = v.version;
    }
    setLink(
      newLink(action, {
        sourceVersion: version ?? null,
        targetId: written!.item.id,
        targetParentId: parentTarget,
        ...writtenState(written!.item),
        size: written!.size,
        sha256: written!.sha256,
      }),
    );
    return { targetId: written!.item.id, bytes: written!.size, sha256: written!.sha256 };
  };

  /** Re-keys a link whose source id changed (path-addressed sources) and records the new source state. */
  const relink = (
    action: Extract<Action, { type: 'rename' | 'move' }>,
    target: { targetId: string; targetParentId: string | null },
  ) => {
    if (action.link.sourceId !== action.item.id) forget(action.link.sourceId);
    setLink({
      ...action.link,
      sourceId: action.item.id,
      sourceParentId: action.parentSourceId,
      sourceName: action.item.name,
      sourceIdentity: action.item.identity ?? action.link.sourceIdentity,
      ...target,
      targetName: action.implicit ? action.link.targetName : action.name,
      lastRunId: input.runId,
      updatedAt: new Date(),
    });
  };

  const relocate = async (action: Extract<Action, { type: 'rename' | 'move' }>) => {
    const current = links.get(action.link.sourceId) ?? action.link;
    if (action.implicit) {
      relink(
        { ...action, link: current },
        { targetId: current.targetId!, targetParentId: current.targetParentId },
      );
      return { targetId: current.targetId };
    }
    action = { ...action, link: current };
    const parentTarget = targetOf(action.parentSourceId);
    if (parentTarget === undefined || !action.link.targetId)
      throw new ContentError(
        'content_not_found',
        'Its new folder is not on the target, so it was not moved.',
      );
    const before: ContentItem = {
      id: action.link.targetId,
      kind: action.item.kind,
      name: action.link.targetName ?? action.item.name,
      parentId: action.link.targetParentId,
    };
    const after = await target.relocate(before, { parentId: parentTarget, name: action.name }, input.signal);
    relink(action, { targetId: after.id, targetParentId: parentTarget });
    if (after.id !== before.id) {
      // Path-addressed targets (local folders) give descendants new ids too.
      for (const link of links.values()) {
        if (link.targetId?.startsWith(`${before.id}/`)) {
          setLink({
            ...link,
            targetId: after.id + link.targetId.slice(before.id.length),
            targetParentId: link.targetParentId?.startsWith(before.id)
              ? after.id + link.targetParentId.slice(before.id.length)
              : link.targetParentId,
          });
        }
      }
    }
    return { targetId: after.id, renamedFrom: action.name !== action.item.name ? action.item.name : null };
  };

  const placedBase = (action: Extract<Action, { item: ContentItem }>) => ({
    kind: action.item.kind,
    sourceId: action.item.id,
    sourcePath: action.sourcePath,
    targetPath: targetPathOf(action.parentSourceId, action.name),
    renamedFrom: action.name !== action.item.name ? action.item.name : null,
  });

  const documents: Action[] = [];
  const deletes: Extract<Action, { type: 'delete' | 'delete_source' }>[] = [];
  recorder.setPlanned(
    actions.filter((a) => a.type !== 'ignore' && a.type !== 'forget').length,
    actions.reduce(
      (sum, a) => sum + ((a.type === 'create' || a.type === 'update') && a.item.size ? a.item.size : 0),
      0,
    ),
  );

  // 1. Folders, in plan order (parents first), and bookkeeping actions.
  for (const action of actions) {
    if (input.signal.aborted) break;
    switch (action.type) {
      case 'create_folder':
        await perform(
          action,
          async () => {
            const parentTarget = targetOf(action.parentSourceId);
            if (parentTarget === undefined)
              throw new ContentError(
                'content_not_found',
                'Its parent folder could not be created on the target.',
              );
            const folder = await target.createFolder(parentTarget, action.name, input.signal);
            setLink(
              newLink(action, {
                targetId: folder.id,
                targetParentId: parentTarget,
                targetIdentity: folder.identity ?? null,
              }),
            );
            return { targetId: folder.id };
          },
          placedBase(action),
        );
        break;
      case 'rename':
      case 'move':
        if (action.implicit && !input.dryRun) await relocate(action);
        else if (action.item.kind === 'folder')
          await perform(action, () => relocate(action), placedBase(action));
        else documents.push(action);
        break;
      case 'skip':
        record(
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
        if (!input.dryRun) setLink(newLink(action, { state: 'ignored', targetName: null }));
        break;
      case 'forget':
        if (!input.dryRun) forget(action.link.sourceId);
        break;
      case 'delete':
      case 'delete_source':
        deletes.push(action);
        break;
      default:
        documents.push(action);
    }
  }

  // 2. Documents: renames and moves first (they free names), then content, with bounded concurrency.
  const relocations = documents.filter((a) => a.type === 'rename' || a.type === 'move');
  for (const action of relocations)
    if (action.type === 'rename' || action.type === 'move')
      await perform(action, () => relocate(action), placedBase(action));
  const copies = documents.filter(
    (a): a is Extract<Action, { type: 'create' | 'update' }> => a.type === 'create' || a.type === 'update',
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(input.concurrency, copies.length)) }, async () => {
      while (next < copies.length && !input.signal.aborted) {
        const action = copies[next++]!;
        const slots = input.connectorSlots;
        await perform(
          action,
          () =>
            slots
              ? withConnectorSlots(slots.ids, slots.limit, () => copyDocument(action))
              : copyDocument(action),
          placedBase(action),
        );
      }
    }),
  );

  // 3. Deletes, only after a run without failures, and within the max-delete limit.
  if (input.signal.aborted || (deletes.length === 0 && !input.beforeDeletes)) return;
  const hold = (reason: string, errorCode: string) => {
    for (const action of deletes) {
      const kind =
        action.type === 'delete_source' ? action.item.kind : (action.link.kind as 'folder' | 'document');
      const sourceId = action.type === 'delete_source' ? action.item.id : action.link.sourceId;
      record(
        action,
        { kind, outcome: 'skipped', sourceId, sourcePath: action.sourcePath, error: reason, errorCode },
        'skipped',
      );
    }
  };
  if (recorder.counts.failed > 0) {
    return hold(
      `Not deleted: ${recorder.counts.failed} item(s) failed earlier in this run, and deletes wait for a run without errors.`,
      'workflow_deletes_held',
    );
  }
  if (input.beforeDeletes) {
    const held = await input.beforeDeletes({ recorder, links });
    if (input.signal.aborted) return;
    if (held) return hold(held.reason, held.errorCode);
  }
  const targetDeletes = deletes.filter((a) => a.type === 'delete').length;
  if (targetDeletes > input.maxDeletes) {
    return hold(
      `Not deleted: this run would delete ${targetDeletes} items, more than the limit of ${input.maxDeletes}. Check the source; if the deletes are intended, raise the workflow's maximum deletes and run it again.`,
      'workflow_max_deletes_exceeded',
    );
  }
  for (const action of deletes) {
    if (input.signal.aborted) break;
    if (action.type === 'delete') {
      const link = action.link;
      await perform(
        action,
        async () => {
          await target.delete(
            {
              id: link.targetId!,
              kind: link.kind as 'folder' | 'document',
              name: link.targetName ?? link.sourceName,
              parentId: link.targetParentId,
            },
            input.signal,
          );
          forget(link.sourceId);
          return { targetId: link.targetId };
        },
        {
          kind: link.kind,
          sourceId: link.sourceId,
          sourcePath: action.sourcePath,
          targetPath: targetPathOf(link.sourceId),
        },
      );
    } else if (action.type === 'delete_source') {
      if (action.item.id === input.sourceRootId) continue;
      const link = links.get(action.item.id);
      // Not copied in this or an earlier run: keep it (a dry run shows what a real run would remove).
      if (!input.dryRun && (!link || link.state !== 'linked' || !link.targetId)) continue;
      await perform(
        action,
        async () => {
          const copied = link!;
          if (action.item.kind === 'folder') {
            for await (const _left of source.listChildren(action.item.id, input.signal)) {
              return {
                outcome: 'skipped',
                errorCode: 'workflow_item_skipped',
                error: 'The folder was kept: it still holds items that were not moved.',
              };
            }
          }
          const copy = await target.getItem(copied.targetId!, input.signal);
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
          await source.delete(action.item, input.signal);
          forget(copied.sourceId);
          return { targetId: copied.targetId };
        },
        placedBase(action),
      );
    }
  }
}

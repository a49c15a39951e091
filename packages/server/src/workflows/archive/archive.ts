import { Readable } from 'node:stream';
import type { ArchiveSourceMode } from '@lexbridge/contracts';
import { ContentError, type ContentStore } from '../../connectors/content.ts';
import type { Logger } from '../../log.ts';
import { describeFailure, type ExecuteInput, type PlanRecorder } from '../executor.ts';
import type { Action, LinkRow } from '../planner.ts';
import { type LeaveInput, leaveSource } from './leave.ts';
import { type ManifestRow, manifestCsv, manifestName, parseManifest } from './manifest.ts';
import { type ArchiveTarget, linkFileName, unknownTarget } from './target-link.ts';
import { verifyArchived } from './verify.ts';

type Removal = Extract<Action, { type: 'delete_source' }>;
type Hold = { reason: string; errorCode: string };

export interface ArchiveInput {
  runId: string;
  runCreatedAt: Date;
  dryRun: boolean;
  mode: ArchiveSourceMode;
  sourceRootId: string;
  targetRootId: string;
  maxDeletes: number;
  concurrency: number;
  log: Logger;
}

/**
 * An Archive run on the engine's machinery: the plan is a Move's (copy each item, then delete_source
 * for each), and before any removal `beforeDeletes` verifies every document again against its link
 * (source unchanged since the copy, copy on the target of the size and checksum written), stores the
 * manifest in the target, and applies the max-delete guard to the removals. Any failure, in the copy or
 * here, holds every removal: nothing is removed unless everything was verified. Leaving the source
 * drops the removals from the plan and writes a link file instead.
 */
export class ArchiveRun {
  private stores: { source: ContentStore; target: ContentStore } | undefined;
  private removals: Removal[] = [];
  /** Why the source was not removed (or left), for the run's error fields; null when the archive completed. */
  held: Hold | null = null;
  /** The archive's target: its name for the run's words, its system's for the link file, its web link. */
  target: ArchiveTarget = unknownTarget;

  constructor(private readonly input: ArchiveInput) {}

  /** Takes the Move plan; returns what the executor carries out (no removals when leaving the source). */
  adjust(actions: Action[], stores: { source: ContentStore; target: ContentStore }): Action[] {
    this.stores = stores;
    const link = this.linkFileName;
    const ours = (a: Action) =>
      'item' in a && a.item.parentId === this.input.sourceRootId && a.item.name === link;
    const kept = actions.filter((a) => !ours(a));
    this.removals = kept.filter((a): a is Removal => a.type === 'delete_source');
    return this.input.mode === 'leave' ? kept.filter((a) => a.type !== 'delete_source') : kept;
  }

  /** The link file an archive that leaves its source writes into the source folder ("Archived to <system>.url"). */
  get linkFileName(): string {
    return linkFileName(this.target.systemName);
  }

  /** The executor's hook, called only when every copy succeeded. */
  execution(): Pick<ExecuteInput, 'beforeDeletes'> {
    return { beforeDeletes: (run) => this.settle(run) };
  }

  private async settle(run: { recorder: PlanRecorder; links: Map<string, LinkRow> }) {
    const { links } = run;
    const recorder = stepRecorder(run.recorder);
    const { source, target } = this.stores!;
    const documents = this.removals.filter((r) => r.item.kind === 'document');
    const name = manifestName({ id: this.input.runId, createdAt: this.input.runCreatedAt });
    if (this.input.dryRun) {
      recorder.record(
        { action: 'manifest', kind: 'document', outcome: 'planned', targetPath: name, sourcePath: null },
        null,
      );
      if (this.input.mode === 'leave') await leaveSource(this.leaveInput(source, recorder), true);
      return this.guard();
    }
    const verified = await verifyArchived(documents, links, this.stores!, this.input.concurrency);
    for (const failure of verified.failures)
      recorder.record(
        {
          action: 'delete_source',
          kind: 'document',
          outcome: 'failed',
          sourceId: failure.removal.item.id,
          sourcePath: failure.removal.sourcePath,
          errorCode: 'workflow_archive_not_verified',
          error: failure.reason,
        },
        'failed',
      );
    if (verified.failures.length > 0)
      return this.hold({
        reason: `Not removed: ${verified.failures.length} document(s) could not be verified on ${this.target.name}, so nothing was removed from the source.`,
        errorCode: 'workflow_archive_held',
      });
    try {
      const written = await this.storeManifest(target, name, verified.rows);
      recorder.record(
        {
          action: 'manifest',
          kind: 'document',
          outcome: 'done',
          targetId: written.item.id,
          targetPath: name,
          sourcePath: null,
          bytes: written.size,
        },
        null,
      );
    } catch (err) {
      this.input.log.warn({ err }, 'could not store the archive manifest');
      recorder.record(
        {
          action: 'manifest',
          kind: 'document',
          outcome: 'failed',
          targetPath: name,
          ...describeFailure(err),
        },
        'failed',
      );
      return this.hold({
        reason:
          'Not removed: the archive manifest could not be stored in the target, so nothing was removed.',
        errorCode: 'workflow_archive_held',
      });
    }
    if (this.input.mode === 'leave') {
      await leaveSource(this.leaveInput(source, recorder), false);
      return undefined;
    }
    return this.guard();
  }

  /** The max-delete guard over the source removals. */
  private guard(): Hold | undefined {
    const count = this.removals.filter((r) => r.item.id !== this.input.sourceRootId).length;
    if (this.input.mode === 'leave' || count <= this.input.maxDeletes) return undefined;
    return this.hold({
      reason: `Not removed: this archive would remove ${count} items from the source, more than the limit of ${this.input.maxDeletes}. Everything was copied and verified and the manifest is stored; raise the workflow's maximum deletes and run it again to remove the source.`,
      errorCode: 'workflow_max_deletes_exceeded',
    });
  }

  private hold(held: Hold): Hold {
    this.held = held;
    return held;
  }

  private leaveInput(source: ContentStore, recorder: PlanRecorder): LeaveInput {
    const { sourceRootId, runId } = this.input;
    return { source, sourceRootId, runId, recorder, linkFileName: this.linkFileName, url: this.target.url };
  }

  /** Writes the manifest; a resumed run keeps the rows its earlier attempt stored (those sources may be gone). */
  private async storeManifest(target: ContentStore, name: string, rows: ManifestRow[]) {
    const existing = await target.findChild(this.input.targetRootId, name);
    let all = rows;
    if (existing) {
      const { stream } = await target.openRead(existing);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      const mine = new Set(rows.map((r) => r.sourcePath));
      all = [
        ...parseManifest(Buffer.concat(chunks).toString('utf8')).filter((r) => !mine.has(r.sourcePath)),
        ...rows,
      ];
    }
    const bytes = Buffer.from(manifestCsv(all), 'utf8');
    return target.writeDocument(this.input.targetRootId, name, Readable.from([bytes]), {
      existingId: existing?.id,
      size: bytes.length,
      temporaryTag: this.input.runId,
      verify: (w) => {
        if (w.size !== bytes.length)
          throw new ContentError('content_invalid', 'The manifest was not stored whole.', {
            retryable: true,
          });
      },
    });
  }

  /** Why the run did not finish the archive, in plain words; null when it did (or in a dry run). */
  outcome(failed: number): Hold | null {
    if (this.input.dryRun) return null;
    if (this.held) return this.held;
    if (failed === 0) return null;
    return {
      errorCode: 'workflow_archive_held',
      reason:
        this.input.mode === 'leave'
          ? `The archive is incomplete: ${failed} item(s) failed. Run it again once the failures are resolved.`
          : `Nothing was removed from the source: ${failed} item(s) failed, and an archive removes only when every document is copied and verified. Run it again once the failures are resolved.`,
    };
  }
}

/**
 * The archive's own steps (verification failures of removals the plan counts already, the manifest,
 * the link file, the read-only step) are recorded as items but are no items of the plan: they do not
 * move the run's progress, which stays `done` of `planned`.
 */
function stepRecorder(recorder: PlanRecorder): PlanRecorder {
  return {
    counts: recorder.counts,
    record: (item, counter) => recorder.record(item, counter, false),
    link: (link) => recorder.link(link),
    forget: (sourceId) => recorder.forget(sourceId),
    setPlanned: (count, bytes) => recorder.setPlanned(count, bytes),
  };
}

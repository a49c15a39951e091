import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../store/db.ts';
import { itemLinks, type runItems, workflowRuns } from '../store/schema.ts';
import type { LinkRow } from './planner.ts';

export type RunItemRecord = Omit<typeof runItems.$inferInsert, 'id' | 'runId' | 'at'>;
export type Counter = 'created' | 'updated' | 'deleted' | 'skipped' | 'failed';

/**
 * When the recorder writes: once `batchItems` results are waiting, and otherwise `maxDelayMs` after its
 * last write (which also refreshes the heartbeat and reads whether someone asked to cancel), so a run
 * makes about one transaction per `batchItems` documents however long it lasts, and a run that copies
 * slowly (or is waiting) still writes its progress, heartbeat and cancel check every `maxDelayMs`.
 */
export interface RecorderOptions {
  /** Results waiting that make a write (default 250). */
  batchItems?: number;
  /** Longest time between two writes (default 1000 ms): progress, heartbeat and cancel latency. */
  maxDelayMs?: number;
}

/**
 * Collects a run's per-item results, link changes and counters in memory and writes them in one
 * transaction once `batchItems` are waiting or `maxDelayMs` after the last write (and at the end);
 * each write also refreshes the run's heartbeat and reads whether someone asked to cancel. Writes
 * follow the work rather than the clock: several workers sharing the runs (each run then lasts longer)
 * make no more transactions per document than one. Batching keeps small-file copies fast; the window
 * it opens (a file in place, its link not yet written) is closed by the executor adopting an existing
 * target item of the same name instead of creating a second one.
 */
export class RunRecorder {
  readonly counts: Record<Counter, number> = { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 };
  done = 0;
  bytes = 0;
  cancelRequested = false;
  private items: RunItemRecord[] = [];
  private upserts = new Map<string, LinkRow>();
  private forgets = new Set<string>();
  private planned: { count: number; bytes: number } | null = null;
  /** What earlier attempts of this run finished (read at the first write), which this attempt does not redo. */
  private earlier: Earlier | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly batchItems: number;
  private readonly maxDelayMs: number;
  /** When the last write began (or the recorder started). */
  private lastWrite = Date.now();
  /** A write has been asked for and has not yet taken what is waiting. */
  private queued = false;
  /** The last write failed: wait for the timer rather than retry on every result. */
  private failing = false;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly workflowId: string,
    private readonly onCancel: () => void,
    options: RecorderOptions = {},
  ) {
    this.batchItems = options.batchItems ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
  }

  start(): void {
    this.lastWrite = Date.now();
    // A cheap check (no query) a few times per maxDelayMs; the write itself comes only when due.
    this.timer = setInterval(
      () => {
        if (!this.queued && Date.now() - this.lastWrite >= this.maxDelayMs)
          void this.flush().catch(() => undefined);
      },
      Math.max(10, Math.floor(this.maxDelayMs / 4)),
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  setPlanned(count: number, bytes: number): void {
    this.planned = { count, bytes };
  }

  /**
   * Records an item's result. `progress: false` for a record that is no item of the plan (an archive's
   * manifest, link file and read-only step, or a second word on an item already counted), so that the
   * run's progress is `done` of `planned` items and never more.
   */
  record(item: RunItemRecord, counter: Counter | null, progress = true): void {
    this.items.push(item);
    if (counter) this.counts[counter]++;
    if (progress) this.done++;
    // A dry run's items carry the size they would copy; the run copied nothing.
    if (item.outcome !== 'planned') this.bytes += Number(item.bytes ?? 0);
    this.writeWhenBatchFull();
  }

  link(link: LinkRow): void {
    this.forgets.delete(link.sourceId);
    this.upserts.set(link.sourceId, link);
    this.writeWhenBatchFull();
  }

  forget(sourceId: string): void {
    this.upserts.delete(sourceId);
    this.forgets.add(sourceId);
    this.writeWhenBatchFull();
  }

  /** Writes what has been collected; serialised so two flushes never interleave. */
  flush(): Promise<void> {
    this.queued = true;
    this.chain = this.chain.catch(() => undefined).then(() => this.write());
    return this.chain;
  }

  /** Starts a write once a batch is waiting (not while the timer runs the recorder, nor after a failure). */
  private writeWhenBatchFull(): void {
    if (!this.timer || this.queued || this.failing) return;
    if (Math.max(this.items.length, this.upserts.size + this.forgets.size) < this.batchItems) return;
    void this.flush().catch(() => undefined);
  }

  private async write(): Promise<void> {
    this.queued = false;
    this.lastWrite = Date.now();
    const items = this.items;
    const upserts = [...this.upserts.values()];
    const forgets = [...this.forgets];
    const planned = this.planned;
    this.items = [];
    this.upserts.clear();
    this.forgets.clear();
    this.planned = null;
    try {
      let earlier: Earlier = this.earlier ?? zero;
      const cancel = await this.db.transaction(async (tx) => {
        // One JSON parameter per batch (jsonb_to_recordset): several times faster than a multi-row
        // VALUES list with a parameter per column, which matters for many small documents.
        for (let i = 0; i < items.length; i += 2000)
          await tx.execute(insertItems(this.runId, items.slice(i, i + 2000)));
        for (let i = 0; i < upserts.length; i += 2000)
          await tx.execute(upsertLinks(this.workflowId, upserts.slice(i, i + 2000)));
        if (forgets.length) {
          await tx
            .delete(itemLinks)
            .where(and(eq(itemLinks.workflowId, this.workflowId), inArray(itemLinks.sourceId, forgets)));
        }
        earlier = this.earlier ?? (await earlierAttempts(tx, this.runId));
        const [row] = await tx
          .update(workflowRuns)
          .set({
            ...this.counts,
            created: earlier.created + this.counts.created,
            updated: earlier.updated + this.counts.updated,
            deleted: earlier.deleted + this.counts.deleted,
            done: earlier.done + this.done,
            bytes: earlier.bytes + this.bytes,
            heartbeatAt: new Date(),
            ...(planned
              ? { planned: earlier.done + planned.count, bytesPlanned: earlier.bytes + planned.bytes }
              : {}),
          })
          .where(eq(workflowRuns.id, this.runId))
          .returning({ cancel: workflowRuns.cancelRequested });
        return row?.cancel ?? false;
      });
      this.earlier = earlier;
      this.failing = false;
      if (cancel && !this.cancelRequested) {
        this.cancelRequested = true;
        this.onCancel();
      }
    } catch (err) {
      this.failing = true;
      // Put the batch back so the next flush retries it rather than losing results.
      this.items = [...items, ...this.items];
      for (const link of upserts)
        if (!this.upserts.has(link.sourceId) && !this.forgets.has(link.sourceId))
          this.upserts.set(link.sourceId, link);
      for (const id of forgets) if (!this.upserts.has(id)) this.forgets.add(id);
      if (planned && !this.planned) this.planned = planned;
      throw err;
    }
  }
}

/**
 * A run resumed after its worker died (or put back in the queue) starts a new attempt with links that
 * say what is done: the plan holds only the rest, so the figures of what earlier attempts created,
 * updated, deleted and copied are carried into the run's counts, progress and planned figures. Skips
 * and failures are not carried: the new attempt plans and tries those items again and counts them itself.
 */
type Earlier = { created: number; updated: number; deleted: number; done: number; bytes: number };
const zero: Earlier = { created: 0, updated: 0, deleted: 0, done: 0, bytes: 0 };

async function earlierAttempts(tx: DbOrTx, runId: string): Promise<Earlier> {
  const [row] = await tx
    .select({
      created: workflowRuns.created,
      updated: workflowRuns.updated,
      deleted: workflowRuns.deleted,
      bytes: workflowRuns.bytes,
    })
    .from(workflowRuns)
    .where(eq(workflowRuns.id, runId));
  if (!row) return zero;
  const bytes = Number(row.bytes);
  return { ...row, bytes, done: row.created + row.updated + row.deleted };
}

function insertItems(runId: string, items: RunItemRecord[]): SQL {
  const rows = items.map((i) => ({
    action: i.action,
    kind: i.kind,
    outcome: i.outcome,
    source_id: i.sourceId ?? null,
    source_path: i.sourcePath ?? null,
    target_id: i.targetId ?? null,
    target_path: i.targetPath ?? null,
    renamed_from: i.renamedFrom ?? null,
    bytes: Number(i.bytes ?? 0),
    sha256: i.sha256 ?? null,
    error_code: i.errorCode ?? null,
    error: i.error ?? null,
    detail: i.detail ?? null,
    direction: i.direction ?? null,
    conflict: i.conflict ?? null,
  }));
  return sql`INSERT INTO run_items (run_id, action, kind, outcome, source_id, source_path, target_id, target_path, renamed_from, bytes, sha256, error_code, error,
      detail, direction, conflict)
    SELECT ${runId}::uuid, action, kind, outcome, source_id, source_path, target_id, target_path, renamed_from, bytes, sha256, error_code, error,
      detail, direction, conflict
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(action text, kind text, outcome text, source_id text, source_path text, target_id text,
      target_path text, renamed_from text, bytes bigint, sha256 text, error_code text, error text, detail text, direction text, conflict jsonb)`;
}

function upsertLinks(workflowId: string, links: LinkRow[]): SQL {
  const rows = links.map((l) => ({
    source_id: l.sourceId,
    kind: l.kind,
    state: l.state,
    source_parent_id: l.sourceParentId,
    source_name: l.sourceName,
    source_version: l.sourceVersion,
    source_size: l.sourceSize,
    source_modified_at: l.sourceModifiedAt?.toISOString() ?? null,
    source_identity: l.sourceIdentity,
    target_id: l.targetId,
    target_parent_id: l.targetParentId,
    target_name: l.targetName,
    target_version: l.targetVersion ?? null,
    target_modified_at: l.targetModifiedAt?.toISOString() ?? null,
    target_identity: l.targetIdentity ?? null,
    size: l.size,
    sha256: l.sha256,
    last_run_id: l.lastRunId,
  }));
  return sql`INSERT INTO item_links (workflow_id, source_id, kind, state, source_parent_id, source_name, source_version, source_size, source_modified_at,
      source_identity, target_id, target_parent_id, target_name, target_version, target_modified_at, target_identity, size, sha256, last_run_id,
      updated_at)
    SELECT ${workflowId}::uuid, source_id, kind, state, source_parent_id, source_name, source_version, source_size, source_modified_at,
      source_identity, target_id, target_parent_id, target_name, target_version, target_modified_at, target_identity, size, sha256, last_run_id, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(source_id text, kind text, state text, source_parent_id text, source_name text,
      source_version text, source_size bigint, source_modified_at timestamptz, source_identity text, target_id text, target_parent_id text,
      target_name text, target_version text, target_modified_at timestamptz, target_identity text, size bigint, sha256 text, last_run_id uuid)
    ON CONFLICT (workflow_id, source_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, source_parent_id = excluded.source_parent_id,
      source_name = excluded.source_name, source_version = excluded.source_version, source_size = excluded.source_size,
      source_modified_at = excluded.source_modified_at, source_identity = excluded.source_identity, target_id = excluded.target_id,
      target_parent_id = excluded.target_parent_id, target_name = excluded.target_name, target_version = excluded.target_version,
      target_modified_at = excluded.target_modified_at, target_identity = excluded.target_identity, size = excluded.size, sha256 = excluded.sha256,
      last_run_id = excluded.last_run_id, updated_at = now()`;
}

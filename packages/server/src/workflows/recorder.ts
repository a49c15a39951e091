import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { itemLinks, runItems, workflowRuns } from '../store/schema.ts';
import type { LinkRow } from './planner.ts';

export type RunItemRecord = Omit<typeof runItems.$inferInsert, 'id' | 'runId' | 'at'>;
export type Counter = 'created' | 'updated' | 'deleted' | 'skipped' | 'failed';

/**
 * Collects a run's per-item results, link changes and counters in memory and writes them in one
 * transaction every `flushMs` (and at the end), which also refreshes the run's heartbeat and reads
 * whether someone asked to cancel. Batching keeps small-file copies fast; the window it opens (a file
 * in place, its link not yet written) is closed by the executor adopting an existing target item of
 * the same name instead of creating a second one.
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
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly workflowId: string,
    private readonly onCancel: () => void,
    private readonly flushMs = 300,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.flushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  setPlanned(count: number, bytes: number): void {
    this.planned = { count, bytes };
  }

  record(item: RunItemRecord, counter: Counter | null): void {
    this.items.push(item);
    if (counter) this.counts[counter]++;
    this.done++;
    this.bytes += Number(item.bytes ?? 0);
  }

  link(link: LinkRow): void {
    this.forgets.delete(link.sourceId);
    this.upserts.set(link.sourceId, link);
  }

  forget(sourceId: string): void {
    this.upserts.delete(sourceId);
    this.forgets.add(sourceId);
  }

  /** Writes what has been collected; serialised so two flushes never interleave. */
  flush(): Promise<void> {
    this.chain = this.chain.catch(() => undefined).then(() => this.write());
    return this.chain;
  }

  private async write(): Promise<void> {
    const items = this.items;
    const upserts = [...this.upserts.values()];
    const forgets = [...this.forgets];
    const planned = this.planned;
    this.items = [];
    this.upserts.clear();
    this.forgets.clear();
    this.planned = null;
    try {
      const cancel = await this.db.transaction(async (tx) => {
        for (let i = 0; i < items.length; i += 500) {
          await tx.insert(runItems).values(items.slice(i, i + 500).map((item) => ({ ...item, runId: this.runId })));
        }
        for (let i = 0; i < upserts.length; i += 500) {
          await tx
            .insert(itemLinks)
            .values(upserts.slice(i, i + 500))
            .onConflictDoUpdate({
              target: [itemLinks.workflowId, itemLinks.sourceId],
              set: Object.fromEntries(
                (['kind', 'state', 'sourceParentId', 'sourceName', 'sourceVersion', 'sourceSize', 'sourceModifiedAt', 'sourceIdentity', 'targetId', 'targetParentId', 'targetName', 'size', 'sha256', 'lastRunId', 'updatedAt'] as const).map(
                  (key) => [key, sql.raw(`excluded.${itemLinks[key].name}`)],
                ),
              ),
            });
        }
        if (forgets.length) {
          await tx.delete(itemLinks).where(and(eq(itemLinks.workflowId, this.workflowId), inArray(itemLinks.sourceId, forgets)));
        }
        const [row] = await tx
          .update(workflowRuns)
          .set({
            ...this.counts,
            done: this.done,
            bytes: this.bytes,
            heartbeatAt: new Date(),
            ...(planned ? { planned: planned.count, bytesPlanned: planned.bytes } : {}),
          })
          .where(eq(workflowRuns.id, this.runId))
          .returning({ cancel: workflowRuns.cancelRequested });
        return row?.cancel ?? false;
      });
      if (cancel && !this.cancelRequested) {
        this.cancelRequested = true;
        this.onCancel();
      }
    } catch (err) {
      // Put the batch back so the next flush retries it rather than losing results.
      this.items = [...items, ...this.items];
      for (const link of upserts) if (!this.upserts.has(link.sourceId) && !this.forgets.has(link.sourceId)) this.upserts.set(link.sourceId, link);
      for (const id of forgets) if (!this.upserts.has(id)) this.forgets.add(id);
      if (planned && !this.planned) this.planned = planned;
      throw err;
    }
  }
}

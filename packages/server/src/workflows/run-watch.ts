import { eq } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { workflowRuns } from '../store/schema.ts';
import type { RunRow } from './model.ts';

/**
 * One reader of a run's row for every live-progress stream that follows it: the first subscriber
 * starts a poll of the database (every `pollMs`), later ones share it, the last one to leave stops it.
 * Four hundred open pages on one run cost one query per interval, not four hundred. Progress comes
 * from the database, so it works whichever process runs the job.
 */
export type RunListener = (run: RunRow | undefined) => void;

interface Watch {
  listeners: Set<RunListener>;
  timer: NodeJS.Timeout;
  polling: boolean;
}

export class RunWatcher {
  private readonly watches = new Map<string, Watch>();
  /** Database reads made so far (for the tests and the metrics). */
  polls = 0;

  constructor(
    private readonly db: Db,
    private readonly pollMs = 500,
  ) {}

  /** Calls `listener` with the run's row after each poll (undefined once the run is gone); returns the unsubscribe. */
  subscribe(runId: string, listener: RunListener): () => void {
    let watch = this.watches.get(runId);
    if (!watch) {
      const created: Watch = {
        listeners: new Set(),
        polling: false,
        timer: setInterval(() => void this.poll(runId, created), this.pollMs),
      };
      created.timer.unref();
      this.watches.set(runId, created);
      watch = created;
    }
    watch.listeners.add(listener);
    const current = watch;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.watches.get(runId) === current) {
        clearInterval(current.timer);
        this.watches.delete(runId);
      }
    };
  }

  /** Runs followed and streams following them, now. */
  stats(): { runs: number; subscribers: number } {
    let subscribers = 0;
    for (const watch of this.watches.values()) subscribers += watch.listeners.size;
    return { runs: this.watches.size, subscribers };
  }

  private async poll(runId: string, watch: Watch): Promise<void> {
    if (watch.polling) return; // a slow database: skip a tick rather than pile up reads
    watch.polling = true;
    try {
      this.polls++;
      const [row] = await this.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
      for (const listener of [...watch.listeners]) listener(row);
    } catch {
      // The database did not answer this time; the next tick tries again.
    } finally {
      watch.polling = false;
    }
  }
}

const watchers = new WeakMap<Db, RunWatcher>();

/** The process's watcher for this database. */
export function runWatcher(db: Db): RunWatcher {
  let watcher = watchers.get(db);
  if (!watcher) {
    watcher = new RunWatcher(db);
    watchers.set(db, watcher);
  }
  return watcher;
}

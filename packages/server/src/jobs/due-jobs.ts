import type { PgBoss } from 'pg-boss';
import type { Logger } from '../log.ts';

/**
 * The polling backstop beside LISTEN/NOTIFY. A notification wakes a queue's workers when a job is
 * sent, but nothing wakes them when a job falls due later: a retry after its backoff, a job sent to
 * start later, a job the supervisor handed back because its worker died. pg-boss's answer is that
 * every worker polls its queue; with 9 queues of 1–4 workers each that was 18 queries every 2 seconds
 * on an idle server, most of its idle CPU. Instead one query every `seconds` asks which of this
 * process's queues have a job due, and wakes the workers of those only. A job that falls due starts
 * within `seconds` (plus the fetch), as with the per-worker poll. Each worker still polls on its own,
 * every `workerBackstopSeconds`, should this check fail.
 */
export const workerBackstopSeconds = 30;

// The same test as a worker's fetch (pg-boss's fetchNextJob): not yet active, not blocked by a flow,
// due by the database's clock. pgboss.job is the parent of every queue's table.
const dueQueuesSql = `SELECT DISTINCT name FROM pgboss.job
  WHERE name = ANY($1::text[]) AND state < 'active' AND NOT blocked AND start_after <= pgboss.job_now()`;

/** The queues among `names` that have a job a worker could take now. */
export async function dueQueues(boss: PgBoss, names: string[]): Promise<Set<string>> {
  const { rows } = await boss.getDb().executeSql(dueQueuesSql, [names]);
  return new Set((rows as { name: string }[]).map((r) => r.name));
}

/** Wakes the workers of this process whose queue (among `names`) has a job due. */
export async function wakeDueWorkers(boss: PgBoss, names: string[]): Promise<void> {
  const due = await dueQueues(boss, names);
  if (due.size === 0) return;
  for (const worker of boss.getWipData()) if (due.has(worker.name)) boss.notifyWorker(worker.id);
}

/** Checks every `seconds` for due jobs in the queues `names`; returns the function that stops it. */
export function watchDueJobs(boss: PgBoss, names: string[], seconds: number, log: Logger): () => void {
  let checking = false;
  let stopped = false;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      await wakeDueWorkers(boss, names);
    } catch (err) {
      if (!stopped) log.warn({ err }, 'could not check for due jobs; the workers poll on their own');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(check, seconds * 1000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

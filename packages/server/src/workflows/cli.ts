import { parseArgs } from 'node:util';
import type { WorkflowRun } from '@lexbridge/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { readAdminApi } from '../server.ts';
import { readLockOwner } from '../store/data-dir-lock.ts';
import { workflowRuns, workflows } from '../store/schema.ts';
import { toRunResponse } from './model.ts';
import { performRun, requestRun } from './runs.ts';

const usage = 'Usage: lexbridge workflows run <workflow-id> [--dry-run]';
const finished = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'paused', 'interrupted']);
const MB = 1024 * 1024;

/** One line of progress: a bar, items done of planned, bytes and counts. */
export function progressLine(run: WorkflowRun, width = 30): string {
  const fraction = run.planned > 0 ? Math.min(1, run.done / run.planned) : finished.has(run.status) ? 1 : 0;
  const filled = Math.round(fraction * width);
  const c = run.counts;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ` +
    `${run.done}/${run.planned} items, ${(run.bytes / MB).toFixed(1)} MB  ` +
    `created ${c.created} updated ${c.updated} deleted ${c.deleted} skipped ${c.skipped} failed ${c.failed}  ${run.status}${run.dryRun ? ' (dry run)' : ''}`
  );
}

/** Draws progress until the run ends: in place on a terminal, a line every few seconds otherwise. */
async function follow(read: () => Promise<WorkflowRun>, until?: Promise<unknown>): Promise<WorkflowRun> {
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  let ended = false;
  void until?.finally(() => (ended = true));
  for (;;) {
    const run = await read();
    const done = finished.has(run.status);
    if (tty) process.stdout.write(`\r${progressLine(run)}\u001b[K`);
    else if (done || Date.now() - lastPrinted > 5000) {
      console.log(progressLine(run));
      lastPrinted = Date.now();
    }
    if (done || (ended && run.status !== 'running' && run.status !== 'queued')) {
      if (tty) process.stdout.write('\n');
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** `lexbridge workflows run <id> [--dry-run]`: runs a workflow now and shows its progress. */
export async function workflowsCommand(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
  const [sub, workflowId] = positionals;
  if (sub !== 'run' || !workflowId) {
    console.error(usage);
    return 2;
  }
  const dryRun = values['dry-run'];
  let final: WorkflowRun;

  const owner = config.embedded ? await readLockOwner(config.dataDir) : null;
  if (owner) {
    // The running server holds the embedded database: ask it through its local admin API.
    const api = await readAdminApi(config.dataDir);
    if (!api)
      throw new AppError(
        'admin_api_unavailable',
        `Lexbridge (pid ${owner.pid}) holds ${config.dataDir} but does not offer its admin API yet. Try again in a moment.`,
      );
    const call = async (method: string, path: string) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { 'x-lexbridge-admin-token': api.token },
      });
      const body = (await res.json()) as WorkflowRun & { error?: { code: string; message: string } };
      if (!res.ok)
        throw new Error(
          `${body.error?.message ?? `HTTP ${res.status}`}${body.error ? ` [${body.error.code}]` : ''}`,
        );
      return body;
    };
    const run = await call(
      'POST',
      `/api/admin/workflows/${encodeURIComponent(workflowId)}/run${dryRun ? '?dryRun=true' : ''}`,
    );
    console.log(`Run ${run.id} queued on the running server (pid ${owner.pid}).`);
    final = await follow(() => call('GET', `/api/admin/workflow-runs/${run.id}`));
  } else {
    // Nobody holds the data (or PostgreSQL): run it in this process; a worker that picks up the same
    // job finds the run held and leaves it alone.
    const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'warn' }) });
    try {
      const [row] = await lexbridge.store.db
        .select()
        .from(workflows)
        .where(and(eq(workflows.id, workflowId), isNull(workflows.deletedAt)));
      if (!row) throw new AppError('workflow_not_found', `No workflow has the id ${workflowId}.`);
      const run = await requestRun(lexbridge, row, { trigger: 'cli', dryRun });
      console.log(`Running "${row.name}" (run ${run.id}).`);
      const execution = performRun(lexbridge, run.id, { log: lexbridge.log });
      const read = async () =>
        toRunResponse(
          (await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id)))[0]!,
        );
      final = await follow(read, execution);
      await execution;
      final = await read();
    } finally {
      await lexbridge.close();
    }
  }
  if (final.error) console.log(`${final.error}${final.errorCode ? ` [${final.errorCode}]` : ''}`);
  if (final.counts.failed > 0)
    console.log(
      'Some items failed; the web app lists each with its reason (GET /api/workflow-runs/{id}/items?outcome=failed).',
    );
  return final.status === 'succeeded' ? 0 : 1;
}

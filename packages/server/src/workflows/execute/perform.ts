import { ContentError } from '../../connectors/content.ts';
import { withRetries } from '../../retry.ts';
import { taggedSide } from '../outage.ts';
import type { Action } from '../planner.ts';
import type { Counter, RunItemRecord } from '../recorder.ts';
import type { Execution } from './context.ts';
import { failedAlone, plainFailure } from './plain-failure.ts';

/** A failure that stops the whole run: the owner must re-authorise a connection. */
export class ReauthoriseNeeded extends Error {
  constructor(readonly cause: ContentError) {
    super(cause.message);
  }
}

/** A copy that does not match its source: discarded, and tried again (a download may have been cut short). */
export class VerificationFailed extends ContentError {
  constructor(message: string) {
    super('content_invalid', message, { retryable: true });
  }
}

export const counterOf: Partial<Record<Action['type'], Counter>> = {
  create_folder: 'created',
  create: 'created',
  update: 'updated',
  rename: 'updated',
  move: 'updated',
  delete: 'deleted',
  delete_source: 'deleted',
  skip: 'skipped',
};

/** Plain words for an item's failure, with a stable code (and the technical detail, when there is one). */
export function describeFailure(
  err: unknown,
  system?: string,
  answering = false,
): { errorCode: string; error: string; detail: string | null } {
  if (answering) return failedAlone(err, system);
  return plainFailure(err, err instanceof VerificationFailed, system);
}

export type ItemWork = () => Promise<Partial<Omit<RunItemRecord, 'action' | 'kind'>> | undefined>;

/**
 * Runs one action, retrying transient failures, and records its outcome (work may report a skip). A
 * dry run records the action as planned; an aborted run records nothing. While the run waits for a
 * system that stopped answering, no action starts; one that failed on the outage is tried again once
 * the system answers (outage.ts), so an outage fails no item. One that fails so while its system
 * answers the probe is tried again `answeredRetries` times, then recorded as failed: the failure is
 * its own, and the rest of the run carries on.
 */
export async function perform(
  run: Execution,
  action: Action,
  work: ItemWork,
  base: Omit<RunItemRecord, 'action' | 'outcome'>,
): Promise<void> {
  const { input, outage } = run;
  if (input.signal.aborted) return;
  if (input.dryRun) {
    // As the real run would record it: where it goes (inside folders also only planned) and its size.
    if (action.type === 'create_folder') run.plannedPaths.set(action.item.id, base.targetPath ?? '');
    const bytes = action.type === 'create' || action.type === 'update' ? (action.item.size ?? 0) : 0;
    return run.record(action, { ...base, bytes, outcome: 'planned' }, counterOf[action.type] ?? null);
  }
  let answered = 0; // outage-looking failures while the system answered the probe
  for (let attempt = 1; ; attempt++) {
    if (!(await whenAnswering(run, () => outage.ready()))) return;
    try {
      const result = await withRetries(() => work(), {
        policy: { attempts: input.attempts ?? 5, baseDelayMs: 500, maxDelayMs: 30_000 },
        signal: input.signal,
        onRetry: (err, attempt, delayMs) =>
          input.log.warn({ err, attempt, delayMs, item: base.sourcePath }, 'retrying an item'),
      });
      outage.answered();
      const outcome = result?.outcome ?? 'done';
      run.record(
        action,
        { ...base, ...(result ?? {}), outcome },
        outcome === 'skipped' ? 'skipped' : (counterOf[action.type] ?? null),
      );
      return;
    } catch (err) {
      if (input.signal.aborted) return;
      if (err instanceof ContentError && err.code === 'content_reauthorise') throw new ReauthoriseNeeded(err);
      const side = outage.outageSide(err);
      let waitedOut = false;
      if (side && attempt < outage.policy.itemAttempts) {
        const waited = whenAnswering(run, async () => {
          waitedOut = await outage.failed(side, err);
        });
        if (!(await waited)) return;
        if (waitedOut || answered++ < outage.policy.answeredRetries) continue;
      }
      input.log.warn({ err, item: base.sourcePath }, 'item failed');
      const system = outage.system(side ?? taggedSide(err) ?? 'source');
      // An outage-looking failure while the system answers is the item's own (outage.ts).
      const answering = side !== undefined && attempt < outage.policy.itemAttempts;
      run.record(
        action,
        { ...base, outcome: 'failed', ...describeFailure(err, system, answering) },
        'failed',
      );
      return;
    }
  }
}

/** Waits for the gate; false when the run was cancelled or stopped meanwhile (OutageInterrupted is thrown). */
async function whenAnswering(run: Execution, wait: () => Promise<void>): Promise<boolean> {
  try {
    await wait();
    return !run.input.signal.aborted;
  } catch (err) {
    if (run.input.signal.aborted) return false;
    throw err;
  }
}

/** Runs `each` over `items` with at most `concurrency` at once; stops starting new ones when `signal` aborts. */
export async function runConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length && !signal.aborted) await each(items[next++]!);
    }),
  );
}

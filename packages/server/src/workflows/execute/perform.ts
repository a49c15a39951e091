import { ContentError } from '../../connectors/content.ts';
import { withRetries } from '../../retry.ts';
import type { Action } from '../planner.ts';
import type { Counter, RunItemRecord } from '../recorder.ts';
import type { Execution } from './context.ts';

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

/** Plain words for an item's failure, with a stable code. */
export function describeFailure(err: unknown): { errorCode: string; error: string } {
  if (err instanceof VerificationFailed)
    return { errorCode: 'workflow_item_verification_failed', error: err.message };
  if (err instanceof ContentError) return { errorCode: err.code, error: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { errorCode: 'workflow_item_failed', error: `The item could not be copied: ${message}` };
}

export type ItemWork = () => Promise<Partial<Omit<RunItemRecord, 'action' | 'kind'>> | void>;

/**
 * Runs one action, retrying transient failures, and records its outcome (work may report a skip). A
 * dry run records the action as planned; an aborted run records nothing.
 */
export async function perform(
  run: Execution,
  action: Action,
  work: ItemWork,
  base: Omit<RunItemRecord, 'action' | 'outcome'>,
): Promise<void> {
  const { input } = run;
  if (input.signal.aborted) return;
  if (input.dryRun)
    return run.record(action, { ...base, outcome: 'planned' }, counterOf[action.type] ?? null);
  try {
    const result = await withRetries(() => work(), {
      policy: { attempts: input.attempts ?? 5, baseDelayMs: 500, maxDelayMs: 30_000 },
      signal: input.signal,
      onRetry: (err, attempt, delayMs) =>
        input.log.warn({ err, attempt, delayMs, item: base.sourcePath }, 'retrying an item'),
    });
    const outcome = result?.outcome ?? 'done';
    run.record(
      action,
      { ...base, ...(result ?? {}), outcome },
      outcome === 'skipped' ? 'skipped' : (counterOf[action.type] ?? null),
    );
  } catch (err) {
    if (input.signal.aborted) return;
    if (err instanceof ContentError && err.code === 'content_reauthorise') throw new ReauthoriseNeeded(err);
    input.log.warn({ err, item: base.sourcePath }, 'item failed');
    run.record(action, { ...base, outcome: 'failed', ...describeFailure(err) }, 'failed');
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

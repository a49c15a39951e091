import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { isOutage } from '../retry.ts';

/**
 * Run-level outage handling. When one side of a run stops answering (an item fails in a way that
 * `isOutage` recognises: refused or reset connections, timeouts, DNS, 5xx after retries, and the system
 * does not answer a probe either, or several items fail so in a row), the run stops starting items, says
 * it is waiting for that system, and probes it with backoff. Once it answers, the items that failed on
 * the outage are tried again and the run carries on; when it stays silent longer than `maxWaitMs`, the
 * run is interrupted and resumes later. Cancelling the run ends the wait at once. An item that fails so
 * while its system answers the probe fails on its own (a document whose download is always cut off):
 * it is tried again `answeredRetries` times, then recorded as failed, instead of going round the
 * outage handling again and again.
 */
export type Side = 'source' | 'target';

export interface OutagePolicy {
  /** Consecutive outage failures on one side before the run waits for it. */
  threshold: number;
  /** First wait before probing; doubles after each silent probe, up to `maxProbeDelayMs`. */
  probeDelayMs: number;
  maxProbeDelayMs: number;
  /** Longest one wait lasts before the run is interrupted (it resumes later). */
  maxWaitMs: number;
  /** Times one item may meet an outage before it is recorded as failed (bounds an item that fails through outages). */
  itemAttempts: number;
  /**
   * Times an item that failed so while its system answered the probe is tried again before it is
   * recorded as failed: once, as the probe may have reached a server that was only going down.
   */
  answeredRetries: number;
}

export const defaultOutagePolicy: OutagePolicy = {
  threshold: 3,
  probeDelayMs: 2_000,
  maxProbeDelayMs: 60_000,
  maxWaitMs: 15 * 60_000,
  itemAttempts: 10,
  answeredRetries: 1,
};

/** What a run waiting on an outage shows (API `waiting`). */
export interface WaitingState {
  side: Side;
  system: string;
  reason: string;
  detail: string;
  since: string;
  nextAttemptAt: string;
}

/** The run waited `maxWaitMs` and the system still did not answer. */
export class OutageInterrupted extends Error {
  constructor(
    readonly system: string,
    readonly waitedMs: number,
  ) {
    super(
      `${system} did not answer for ${Math.max(1, Math.round(waitedMs / 60_000))} minute(s), so the run stopped; it resumes from where it stopped when it is tried again.`,
    );
    this.name = 'OutageInterrupted';
  }
}

export interface OutageGateOptions {
  policy?: Partial<OutagePolicy>;
  /** How each side's system is named to people (its systemName). */
  systems?: Partial<Record<Side, string>>;
  /** One cheap call to the side's system; resolves (or fails with a non-outage error) when it answers. */
  probe(side: Side, signal: AbortSignal): Promise<unknown>;
  /** The run started or stopped waiting (null). */
  onWaiting?(state: WaitingState | null): Promise<void>;
  signal: AbortSignal;
  log: Logger;
}

const sideOf = new WeakMap<object, Side>();

/** Marks `err` as coming from `side` (the first side to see an error keeps it). */
export function tagSide(err: unknown, side: Side): void {
  if (err && typeof err === 'object' && !sideOf.has(err)) sideOf.set(err, side);
}

/**
 * The side an error came from: the deepest tag along its causes (a target that fails because the
 * source's stream broke wraps the source's error, which was tagged first).
 */
export function taggedSide(err: unknown): Side | undefined {
  let found: Side | undefined;
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    found = sideOf.get(current) ?? found;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

export class OutageGate {
  readonly policy: OutagePolicy;
  private readonly failures: Record<Side, number> = { source: 0, target: 0 };
  private episode: Promise<void> | undefined;

  constructor(private readonly options: OutageGateOptions) {
    this.policy = { ...defaultOutagePolicy, ...options.policy };
  }

  system(side: Side): string {
    return this.options.systems?.[side] ?? (side === 'source' ? 'The source system' : 'The target system');
  }

  /** The side whose outage `err` shows, or undefined when it is no outage. */
  outageSide(err: unknown): Side | undefined {
    return isOutage(err) ? (taggedSide(err) ?? 'source') : undefined;
  }

  /** An item got through: both sides answer. */
  answered(): void {
    this.failures.source = 0;
    this.failures.target = 0;
  }

  /**
   * Runs a step that is no single item (listing a side to plan): when it meets an outage (on the side
   * its error is tagged with, else `side`), the run waits for that system at once — the store retried
   * already — and, once it answers, runs the step again from the start; OutageInterrupted after
   * `maxWaitMs`, as for items. Without this, a listing cut off by an outage failed the whole run.
   */
  async retrying<T>(side: Side, step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        const hit = isOutage(err) ? (taggedSide(err) ?? side) : undefined;
        if (!hit || attempt >= this.policy.itemAttempts || this.options.signal.aborted) throw err;
        this.failures[hit] = Math.max(this.failures[hit], this.policy.threshold - 1);
        await this.failed(hit, err);
      }
    }
  }

  /**
   * The gate as a pass that runs the other way sees it (a two-way sync's target-to-source half, whose
   * source is the workflow's target): sides swapped in its systems, probes and waiting state.
   */
  turned(): OutageGate {
    const { probe, onWaiting } = this.options;
    return new OutageGate({
      ...this.options,
      policy: this.policy,
      systems: { source: this.system('target'), target: this.system('source') },
      probe: (side, signal) => probe(other(side), signal),
      ...(onWaiting
        ? { onWaiting: (state) => onWaiting(state && { ...state, side: other(state.side) }) }
        : {}),
    });
  }

  /** Resolves when new items may start (at once unless the run waits for a system). */
  ready(): Promise<void> {
    return this.episode ?? Promise.resolve();
  }

  /**
   * An item met an outage-looking failure on `side` (after its own retries). Resolves true once the
   * run waited for the system (it did not answer a probe, or several items failed so in a row) and it
   * answers again: the item is worth trying again. Resolves false when the system answers a probe at
   * once: the failure is likely the item's own (not counted towards the threshold), and the item
   * runner bounds its retries (`answeredRetries`). Rejects with OutageInterrupted, or AbortError when
   * cancelled.
   */
  async failed(side: Side, err: unknown): Promise<boolean> {
    this.failures[side]++;
    if (!this.episode && this.failures[side] < this.policy.threshold) {
      if (await this.answers(side)) {
        this.failures[side] = Math.max(0, this.failures[side] - 1);
        return false;
      }
      this.failures[side] = Math.max(this.failures[side], this.policy.threshold);
    }
    await (this.episode ?? this.startWaiting(side, err));
    return true;
  }

  /** Whether `side`'s system answers a probe now (a refusal is an answer). */
  private async answers(side: Side): Promise<boolean> {
    try {
      await this.options.probe(side, this.options.signal);
      return true;
    } catch (err) {
      this.options.signal.throwIfAborted();
      return !isOutage(err);
    }
  }

  private startWaiting(side: Side, err: unknown): Promise<void> {
    const episode = this.waitFor(side, err).finally(() => {
      if (this.episode === episode) this.episode = undefined;
      this.answered();
    });
    this.episode = episode;
    return episode;
  }

  private async waitFor(side: Side, err: unknown): Promise<void> {
    const { signal, log } = this.options;
    const system = this.system(side);
    const since = Date.now();
    let delay = this.policy.probeDelayMs;
    let last = err;
    log.warn({ err, side, system }, 'a system stopped answering; the run waits for it');
    try {
      while (Date.now() - since < this.policy.maxWaitMs) {
        const wait = Math.min(delay, Math.max(0, since + this.policy.maxWaitMs - Date.now()));
        await this.options.onWaiting?.(waitingState(side, system, last, since, Date.now() + wait));
        await sleep(wait, undefined, { signal });
        try {
          await this.options.probe(side, signal);
          log.info({ side, system, waitedMs: Date.now() - since }, 'the system answers again');
          return;
        } catch (probeErr) {
          signal.throwIfAborted();
          if (!isOutage(probeErr)) return; // it answered, if only to refuse: the items say the rest
          last = probeErr;
        }
        delay = Math.min(delay * 2, this.policy.maxProbeDelayMs);
      }
      throw new OutageInterrupted(system, Date.now() - since);
    } finally {
      await this.options.onWaiting?.(null).catch(() => undefined);
    }
  }
}

const other = (side: Side): Side => (side === 'source' ? 'target' : 'source');

function waitingState(side: Side, system: string, err: unknown, since: number, next: number): WaitingState {
  return {
    side,
    system,
    reason: `${system} is not answering (its server may be down, restarting or unreachable from Lexbridge). The run has stopped starting new items and tries ${system} again from time to time; it carries on by itself once ${system} answers.`,
    detail: technicalDetail(err),
    since: new Date(since).toISOString(),
    nextAttemptAt: new Date(next).toISOString(),
  };
}

/** An error's message and those of its causes, for the "Details" people may pass to an administrator. */
export function technicalDetail(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' — ').slice(0, 1000);
}

/**
 * Failed passwords per username for the embedded provider's sign-in form. The per-address rate limit
 * alone lets someone with many addresses (or a proxy) guess one account's password without end; this
 * locks a username for a while after a few wrong passwords, whoever sends them.
 */
export interface FailedPasswordsOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export class FailedPasswords {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: FailedPasswordsOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until the username may try again, or 0 when it may try now. */
  lockedFor(username: string): number {
    const recent = this.recent(username);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(0, (recent[0] as number) + this.windowMs - this.now());
  }

  recordFailure(username: string): void {
    const recent = this.recent(username);
    recent.push(this.now());
    this.failures.set(username.toLowerCase(), recent.slice(-this.maxFailures));
    if (this.failures.size > 10_000) this.prune();
  }

  recordSuccess(username: string): void {
    this.failures.delete(username.toLowerCase());
  }

  private recent(username: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(username.toLowerCase()) ?? []).filter((at) => at > since);
  }

  private prune(): void {
    for (const username of this.failures.keys()) {
      if (this.recent(username).length === 0) this.failures.delete(username);
    }
  }
}

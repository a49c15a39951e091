/**
 * Caps on long-lived answers (live-progress streams): so many per session, so many in the process.
 * A page that is refused falls back to polling, so a cap costs freshness, never function.
 */
export class StreamSlots {
  private readonly perSession = new Map<string, number>();
  private open = 0;

  constructor(
    readonly maxPerSession: number,
    readonly maxTotal: number,
  ) {}

  /** A slot for this session, with the function that gives it back; undefined when a cap is reached. */
  take(session: string): (() => void) | undefined {
    const mine = this.perSession.get(session) ?? 0;
    if (mine >= this.maxPerSession || this.open >= this.maxTotal) return undefined;
    this.perSession.set(session, mine + 1);
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.perSession.get(session) ?? 1) - 1;
      if (left > 0) this.perSession.set(session, left);
      else this.perSession.delete(session);
    };
  }

  get inUse(): number {
    return this.open;
  }
}

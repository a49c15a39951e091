/**
 * The emulator's notion of "now". Token, code and rate-limit expiry all read this clock, so tests
 * can move time forward instead of waiting for a 30-minute idle timeout to pass. A skew sets the
 * Work Server's clock apart from the machine's, as a server whose time is wrong would be: every
 * date it writes (edit_date, create_date) and every search filter it compares is on its own time.
 */
export class Clock {
  #offsetMs: number;

  /** `skewMs`: how far the server's clock is ahead (negative: behind) of the machine's. */
  constructor(skewMs = 0) {
    if (!Number.isFinite(skewMs)) throw new RangeError('clock skew must be a finite number');
    this.#offsetMs = skewMs;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves the emulator's time forward (never backward: expiry must stay monotonic). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only advance by a positive duration');
    this.#offsetMs += ms;
  }
}

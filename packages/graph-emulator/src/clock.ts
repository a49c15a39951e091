/**
 * The emulator's notion of "now". Token, code and rate-limit expiry all read this clock, so tests
 * can move time forward instead of waiting for a 30-minute idle timeout to pass.
 */
export class Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves the emulator's time forward (never backward: expiry must stay monotonic). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only advance by a positive duration');
    this.#offsetMs += ms;
  }
}

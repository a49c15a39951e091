/**
 * Stops gracefully on SIGINT/SIGTERM: runs `close` once (stop taking requests and jobs, let those in
 * flight finish, release the database), then exits. A second signal, or a close that takes longer than
 * `graceMs`, exits at once with status 1.
 */
export function closeOnSignal(close: () => Promise<void>, graceMs = 20_000): void {
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) {
      console.error(`lexbridge: ${signal} received again, exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    console.error(`lexbridge: ${signal} received, shutting down`);
    const timer = setTimeout(() => {
      console.error(`lexbridge: shutdown took longer than ${graceMs / 1000} s, exiting`);
      process.exit(1);
    }, graceMs);
    timer.unref();
    try {
      await close();
      process.exit(0);
    } catch (err) {
      console.error('lexbridge: shutdown failed', err);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * What the workflow benchmarks share: rounds of a workflow against a plain script (alternating which
 * goes first, best of each compared, as other work on the machine makes single runs noisy), their
 * report, and the peak resident memory above idle while something runs. Figures only; nothing asserts.
 */

export const MB = 1024 * 1024;

export interface Figures {
  documents: number;
  bytes: number;
  seconds: number;
}

/** Runs both sides `rounds` times, prints each round, and reports the best of each with the ratio. */
export async function compareRounds(
  label: string,
  rounds: number,
  sides: { workflow(): Promise<Figures>; plain(): Promise<Figures> },
): Promise<void> {
  const plains: Figures[] = [];
  const workflows: Figures[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      plains.push(await sides.plain());
      workflows.push(await sides.workflow());
    } else {
      workflows.push(await sides.workflow());
      plains.push(await sides.plain());
    }
    console.log(
      `  round ${round + 1}: workflow ${workflows.at(-1)?.seconds.toFixed(2)} s, plain ${plains.at(-1)?.seconds.toFixed(2)} s`,
    );
  }
  const best = (all: Figures[]) => all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  report(label, best(workflows), best(plains));
}

function report(label: string, workflow: Figures, plain: Figures): void {
  const rate = (f: Figures) =>
    `${(f.documents / f.seconds).toFixed(1).padStart(7)} docs/s ${(f.bytes / MB / f.seconds).toFixed(1).padStart(7)} MB/s`;
  console.log(
    `${label.padEnd(6)} ${String(workflow.documents).padStart(5)} docs ${(workflow.bytes / MB).toFixed(1).padStart(8)} MB`,
  );
  console.log(`  workflow ${workflow.seconds.toFixed(2).padStart(7)} s ${rate(workflow)}`);
  console.log(`  plain    ${plain.seconds.toFixed(2).padStart(7)} s ${rate(plain)}`);
  console.log(`  ratio workflow/plain (throughput): ${(plain.seconds / workflow.seconds).toFixed(2)}`);
}

/**
 * Runs `work` while sampling this process's resident set size every 20 ms, after a GC (with
 * --expose-gc) and a pause for the idle figure; prints seconds, idle, peak and peak above idle.
 */
export async function reportPeakMemory(
  what: string,
  size: number,
  work: () => Promise<{ status: string; bytes: number }>,
): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const idle = process.memoryUsage();
  let peakRss = idle.rss;
  let peakHeap = idle.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const started = performance.now();
  const done = await work().finally(() => clearInterval(sampler));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `node ${process.version}; one document of ${(size / MB).toFixed(0)} MB ${what}, run ${done.status}, ${(done.bytes / MB).toFixed(0)} MB copied in ${seconds.toFixed(1)} s (${(done.bytes / MB / seconds).toFixed(0)} MB/s)`,
  );
  console.log(
    `idle rss ${(idle.rss / MB).toFixed(0)} MB; peak rss ${(peakRss / MB).toFixed(0)} MB; peak above idle ${((peakRss - idle.rss) / MB).toFixed(0)} MB (heap: idle ${(idle.heapUsed / MB).toFixed(0)} MB, peak ${(peakHeap / MB).toFixed(0)} MB)`,
  );
  console.log(`ratio peak-above-idle / document size: ${((peakRss - idle.rss) / size).toFixed(4)}`);
}

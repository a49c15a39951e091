import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process's metrics, served by GET /metrics (see docs/operations.md, "Metrics"). Counters and
 * histograms live here, once per process, and the places that count call the small functions below:
 * one line each, so the code being measured does not learn prom-client. Gauges that read the database
 * or the queue are made at scrape time (scrape.ts).
 *
 * Labels carry only bounded, non-secret values: route patterns (never the URL), status codes, workflow
 * and connector types, error codes. No document name, user, connection id or token appears in a label.
 */
export const registry = new Registry();

collectDefaultMetrics({ register: registry });

export const httpRequestDuration = new Histogram({
  name: 'lexbridge_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status, with their latency (its _count counts requests).',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const runsStarted = new Counter({
  name: 'lexbridge_runs_started_total',
  help: 'Runs a worker of this process started executing, by workflow type (copy, one_way_sync, publish, …).',
  labelNames: ['type'] as const,
  registers: [registry],
});

const runsFinished = new Counter({
  name: 'lexbridge_runs_finished_total',
  help: 'Runs this process finished, by workflow type and final status (succeeded, partial, failed, cancelled, paused).',
  labelNames: ['type', 'status'] as const,
  registers: [registry],
});

const documentsCopied = new Counter({
  name: 'lexbridge_documents_copied_total',
  help: 'Items created or updated on a target by runs of this process, by source and target connector type.',
  labelNames: ['source_type', 'target_type'] as const,
  registers: [registry],
});

const bytesCopied = new Counter({
  name: 'lexbridge_bytes_copied_total',
  help: 'Bytes written to targets by runs of this process, by source and target connector type.',
  labelNames: ['source_type', 'target_type'] as const,
  registers: [registry],
});

const tokenRefreshes = new Counter({
  name: 'lexbridge_token_refreshes_total',
  help: 'Access-token refreshes at a token endpoint, by outcome (refreshed, failed) and error code of a failure.',
  labelNames: ['outcome', 'code'] as const,
  registers: [registry],
});

const retries = new Counter({
  name: 'lexbridge_retries_total',
  help: 'Calls tried again after a transient failure: "throttled" when the server said how long to wait (Retry-After), else "backoff".',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const retryWait = new Counter({
  name: 'lexbridge_retry_wait_seconds_total',
  help: 'Seconds spent waiting before those retries, by kind (throttled, backoff).',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Connector types of a run's two ends ("unknown" when a connector was deleted). */
export interface RunLabels {
  type: string;
  sourceType: string;
  targetType: string;
}

export function countRunStarted(labels: RunLabels): void {
  runsStarted.inc({ type: labels.type });
}

export function countRunFinished(
  labels: RunLabels,
  status: string,
  copied: { documents: number; bytes: number },
): void {
  runsFinished.inc({ type: labels.type, status });
  const ends = { source_type: labels.sourceType, target_type: labels.targetType };
  if (copied.documents > 0) documentsCopied.inc(ends, copied.documents);
  if (copied.bytes > 0) bytesCopied.inc(ends, copied.bytes);
}

/** A token endpoint answered (`code` undefined) or a refresh failed with this error code. */
export function countTokenRefresh(code: string | undefined): void {
  tokenRefreshes.inc({ outcome: code ? 'failed' : 'refreshed', code: code ?? '' });
}

/** A retry is about to wait `delayMs`; `throttled` when the wait is the server's Retry-After. */
export function countRetry(delayMs: number, throttled: boolean): void {
  const kind = throttled ? 'throttled' : 'backoff';
  retries.inc({ kind });
  retryWait.inc({ kind }, delayMs / 1000);
}

const jobWait = new Histogram({
  name: 'lexbridge_queue_job_wait_seconds',
  help: 'How long a job waited for a worker of this process, from when it was due (sent, or its retry or start time) to its start, by queue.',
  labelNames: ['queue'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
  registers: [registry],
});

const jobDuration = new Histogram({
  name: 'lexbridge_queue_job_duration_seconds',
  help: 'How long jobs ran in this process, by queue and outcome (completed, failed: retried until its retry limit).',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 1800, 7200],
  registers: [registry],
});

/** A worker of this process took a job of `queue` that had been due for `seconds`. */
export function observeJobWait(queue: string, seconds: number): void {
  jobWait.observe({ queue }, Math.max(0, seconds));
}

/** A job of `queue` ended in this process after `seconds`. */
export function observeJobDone(queue: string, outcome: 'completed' | 'failed', seconds: number): void {
  jobDuration.observe({ queue, outcome }, seconds);
}

/**
 * Fault injection. Random faults roll seeded dice (one seed, one sequence of failures for one
 * sequence of requests); one-shot rules (`next`) fail exactly the next N matching requests, which is
 * what tests want: throttle the next 2 Graph calls, cut the next download, fail the next refresh
 * with AADSTS50173.
 */
import { z } from 'zod';
import type { Clock } from './clock.ts';
import { GraphError } from './errors.ts';

const rate = z.number().min(0).max(1);

export const ruleSchema = z.strictObject({
  kind: z.enum(['throttle', 'error', 'dropDownload', 'dropUpload', 'aadsts']),
  /** How many matching requests fail. */
  count: z.number().int().min(1).default(1),
  /** throttle: 429 or 503; error: 500-599. */
  status: z.number().int().min(429).max(599).optional(),
  retryAfterSeconds: z.number().int().min(0).default(1),
  /** Only requests whose path contains this. */
  path: z.string().optional(),
  /** aadsts: the AADSTS number, e.g. 65001; endpoint and grant type narrow it. */
  code: z.number().int().optional(),
  endpoint: z.enum(['token', 'authorize']).default('token'),
  grantType: z.enum(['authorization_code', 'refresh_token']).optional(),
});

export const faultConfigSchema = z.strictObject({
  latencyMs: z.number().int().min(0).default(0),
  /** Allow N Graph requests per window, then 429 with Retry-After until the window ends. */
  throttleAfter: z.number().int().min(0).nullable().default(null),
  throttleWindowSeconds: z.number().int().min(1).default(1),
  /** Fraction of Graph requests answered 429 (or throttleStatus) with Retry-After. */
  throttleRate: rate.default(0),
  throttleStatus: z.union([z.literal(429), z.literal(503)]).default(429),
  retryAfterSeconds: z.number().int().min(0).default(1),
  /** Fraction of Graph requests answered with errorStatus. */
  errorRate: rate.default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  /** Fraction of downloads whose connection is cut half way through the body. */
  dropDownloadRate: rate.default(0),
  /** Fraction of upload-session fragments whose connection is cut before the fragment is stored. */
  dropUploadRate: rate.default(0),
  next: z.array(ruleSchema).default([]),
  seed: z.number().int().optional(),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;
export type FaultRule = z.output<typeof ruleSchema>;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function throttled(status: number, retryAfterSeconds: number): GraphError {
  const headers = { 'retry-after': String(retryAfterSeconds) };
  return status === 503
    ? new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.', { headers })
    : new GraphError(429, 'activityLimitReached', 'The request has been throttled', { headers });
}

export function serverError(status: number): GraphError {
  return status === 503
    ? new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.', {
        headers: { 'retry-after': '1' },
      })
    : new GraphError(status, 'generalException', 'An unspecified error has occurred.');
}

export class Faults {
  #config: FaultConfig;
  #random: () => number;
  #windowStart = 0;
  #windowCount = 0;
  readonly #clock: Clock;
  readonly #defaultSeed: number;
  /** Requests to pre-authenticated URLs that carried an Authorization header (a client bug). */
  bearerOnPreauthenticated = 0;
  /** Downloads cut off by a dropDownload fault, and ranged downloads that resumed past the first byte. */
  droppedDownloads = 0;
  resumedDownloads = 0;
  /** Graph API requests received (/v1.0/…, sign-in and content URLs not included), for tests and benchmarks. */
  graphRequests = 0;

  constructor(clock: Clock, defaultSeed: number, initial: FaultConfigInput = {}) {
    this.#clock = clock;
    this.#defaultSeed = defaultSeed;
    this.#config = faultConfigSchema.parse(initial);
    this.#random = mulberry32(this.#config.seed ?? defaultSeed);
  }

  get config(): FaultConfig {
    return structuredClone(this.#config);
  }

  set config(input: FaultConfigInput) {
    this.#config = faultConfigSchema.parse(input);
    this.#random = mulberry32(this.#config.seed ?? this.#defaultSeed);
    this.#windowStart = 0;
    this.#windowCount = 0;
  }

  addRule(rule: z.input<typeof ruleSchema>): FaultRule {
    const parsed = ruleSchema.parse(rule);
    this.#config.next.push(parsed);
    return parsed;
  }

  async delay(): Promise<void> {
    if (this.#config.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.#config.latencyMs));
  }

  /** Consumes one matching one-shot rule. */
  take(kind: FaultRule['kind'], path: string, match: (rule: FaultRule) => boolean = () => true) {
    const index = this.#config.next.findIndex(
      (rule) => rule.kind === kind && (!rule.path || path.includes(rule.path)) && match(rule),
    );
    const rule = this.#config.next[index];
    if (!rule) return undefined;
    rule.count--;
    if (rule.count <= 0) this.#config.next.splice(index, 1);
    return rule;
  }

  /** The error a Graph request gets instead of its answer, if any (called once per request: counts it). */
  graphFault(path: string): GraphError | undefined {
    this.graphRequests++;
    const { throttleAfter, throttleWindowSeconds, throttleRate, throttleStatus, errorRate, errorStatus } =
      this.#config;
    const throttleRule = this.take('throttle', path);
    if (throttleRule) return throttled(throttleRule.status ?? 429, throttleRule.retryAfterSeconds);
    const errorRule = this.take('error', path);
    if (errorRule) return serverError(errorRule.status ?? 503);
    if (throttleAfter !== null) {
      const now = this.#clock.now();
      const windowMs = throttleWindowSeconds * 1000;
      if (now >= this.#windowStart + windowMs) {
        this.#windowStart = now;
        this.#windowCount = 0;
      }
      this.#windowCount++;
      if (this.#windowCount > throttleAfter) {
        return throttled(throttleStatus, Math.max(1, Math.ceil((this.#windowStart + windowMs - now) / 1000)));
      }
    }
    if (throttleRate > 0 && this.#random() < throttleRate) {
      return throttled(throttleStatus, this.#config.retryAfterSeconds);
    }
    if (errorRate > 0 && this.#random() < errorRate) return serverError(errorStatus);
    return undefined;
  }

  shouldDropDownload(path: string): boolean {
    if (this.take('dropDownload', path)) return true;
    return this.#config.dropDownloadRate > 0 && this.#random() < this.#config.dropDownloadRate;
  }

  shouldDropUpload(path: string): boolean {
    if (this.take('dropUpload', path)) return true;
    return this.#config.dropUploadRate > 0 && this.#random() < this.#config.dropUploadRate;
  }

  /** An injected AADSTS code for this request, if a rule matches. */
  aadsts(endpoint: 'token' | 'authorize', grantType?: string): number | undefined {
    const rule = this.take(
      'aadsts',
      '',
      (candidate) =>
        candidate.endpoint === endpoint && (!candidate.grantType || candidate.grantType === grantType),
    );
    return rule?.code;
  }
}

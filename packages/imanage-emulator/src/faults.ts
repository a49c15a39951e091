/**
 * Fault injection: latency, rate limiting (429 with iManage's x-ratelimit-* headers), 5xx errors,
 * connection resets in the middle of a download, and an unreachable token endpoint. Random faults
 * roll dice from a seeded PRNG, so a seed reproduces the same sequence of failures for the same
 * sequence of requests.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Clock } from './clock.ts';
import { createRandom } from './prng.ts';

const rate = z.number().min(0).max(1);

export const faultConfigSchema = z.strictObject({
  /** Added to every request except the admin endpoints. */
  latencyMs: z.number().int().min(0).default(0),
  /** Allow N Work API requests per window, then answer 429 until the window ends. */
  rateLimitAfter: z.number().int().min(0).nullable().default(null),
  rateLimitWindowSeconds: z.number().int().min(1).default(1),
  /** Fraction of Work API requests answered with 429 (Retry-After: 1). */
  rateLimitRate: rate.default(0),
  /** Fraction of Work API requests answered with `errorStatus`. */
  errorRate: rate.default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  /** Fraction of downloads whose connection is reset after part of the body was sent. */
  resetDownloadRate: rate.default(0),
  /** The token endpoint drops connections ("reset") or answers 503 ("503"). */
  tokenEndpointDown: z.boolean().default(false),
  tokenEndpointDownMode: z.enum(['reset', '503']).default('reset'),
  /** Seed of the fault dice; defaults to the emulator's seed. */
  seed: z.number().int().optional(),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export class Faults {
  #config: FaultConfig;
  #random: () => number;
  #windowStart = 0;
  #windowCount = 0;
  readonly #clock: Clock;
  readonly #defaultSeed: number;

  constructor(clock: Clock, defaultSeed: number, initial: FaultConfigInput = {}) {
    this.#clock = clock;
    this.#defaultSeed = defaultSeed;
    this.#config = faultConfigSchema.parse(initial);
    this.#random = createRandom(this.#config.seed ?? defaultSeed);
  }

  get config(): FaultConfig {
    return { ...this.#config };
  }

  /** Replaces the whole configuration and restarts the dice and the rate-limit window. */
  set config(input: FaultConfigInput) {
    this.#config = faultConfigSchema.parse(input);
    this.#random = createRandom(this.#config.seed ?? this.#defaultSeed);
    this.#windowStart = 0;
    this.#windowCount = 0;
  }

  async delay(): Promise<void> {
    if (this.#config.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.#config.latencyMs));
  }

  /**
   * Applies rate limiting and injected errors to one API request. Returns true when it has answered
   * the request itself (the route must then do nothing).
   */
  applyToApiRequest(reply: FastifyReply): boolean {
    const { rateLimitAfter, rateLimitWindowSeconds, rateLimitRate, errorRate, errorStatus } = this.#config;
    if (rateLimitAfter !== null) {
      const now = this.#clock.now();
      const windowMs = rateLimitWindowSeconds * 1000;
      if (now >= this.#windowStart + windowMs) {
        this.#windowStart = now;
        this.#windowCount = 0;
      }
      this.#windowCount++;
      const resetSeconds = Math.max(1, Math.ceil((this.#windowStart + windowMs - now) / 1000));
      reply.header('x-ratelimit-remaining', String(Math.max(0, rateLimitAfter - this.#windowCount)));
      reply.header('x-ratelimit-reset', String(resetSeconds));
      if (this.#windowCount > rateLimitAfter) {
        sendRateLimited(reply, resetSeconds);
        return true;
      }
    }
    if (rateLimitRate > 0 && this.#random() < rateLimitRate) {
      reply.header('x-ratelimit-remaining', '0');
      reply.header('x-ratelimit-reset', '1');
      sendRateLimited(reply, 1);
      return true;
    }
    if (errorRate > 0 && this.#random() < errorRate) {
      reply
        .code(errorStatus)
        .send({ error: { code: 'ServiceUnavailable', message: 'Injected server error' } });
      return true;
    }
    return false;
  }

  /** Rolls the dice for one download. */
  shouldResetDownload(): boolean {
    return this.#config.resetDownloadRate > 0 && this.#random() < this.#config.resetDownloadRate;
  }

  get tokenEndpointDown(): false | 'reset' | '503' {
    return this.#config.tokenEndpointDown ? this.#config.tokenEndpointDownMode : false;
  }
}

function sendRateLimited(reply: FastifyReply, retryAfterSeconds: number): void {
  reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .header('x-ratelimit-retryafter', String(retryAfterSeconds))
    .send({ error: { code: 'TooManyRequests', message: 'Rate limit exceeded; retry later' } });
}

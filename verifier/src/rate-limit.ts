/**
 * Per-author rate limits: a token bucket per (target, author) key. Each candidate that passes
 * the prechecks takes a token, so a token is one verification run; tokens come back at
 * `perHour`, and at most `burst` are saved up. Buckets live in memory: a restart refills
 * them, which costs at most one burst per author.
 */

export interface RateLimitOptions {
  /** Tokens regained per hour. */
  perHour: number;
  /** The most tokens a bucket holds: how many candidates an idle author may send at once. */
  burst: number;
  /** Buckets kept before full ones (indistinguishable from new ones) are forgotten. */
  maxBuckets: number;
}

/**
 * One run a minute per author and target, 20 at once: an honest worker on a fresh target can
 * pass the prechecks every few experiments (BENCHMARKS.md, the verifier's compute per entry),
 * which the burst lets through, while one key cannot flood a verifier with more runs.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perHour: 60, burst: 20, maxBuckets: 10_000 };

const HOUR_MS = 3_600_000;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in local ms. */
  at: number;
}

export class RateLimiter {
  private readonly options: RateLimitOptions;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    options: Partial<RateLimitOptions> = {},
    private readonly modules: { now: () => number },
  ) {
    this.options = { ...DEFAULT_RATE_LIMIT, ...options };
  }

  /** Buckets held (those of keys that took a token and have not refilled). */
  get size(): number {
    return this.buckets.size;
  }

  /** True when `key` has a token now; takes nothing (a check before costlier ones). */
  allows(key: string): boolean {
    return this.tokens(key, this.modules.now()) >= 1;
  }

  /** Takes a token from `key`'s bucket; false (and nothing taken) when it has none. */
  take(key: string): boolean {
    const now = this.modules.now();
    const tokens = this.tokens(key, now);
    if (tokens < 1) return false;
    if (this.buckets.size >= this.options.maxBuckets) this.forgetFull(now);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }

  private tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.options.burst;
    // A clock that steps back refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(this.options.burst, bucket.tokens + (elapsed * this.options.perHour) / HOUR_MS);
  }

  /** A full bucket is the same as none: dropping those bounds memory under many identities. */
  private forgetFull(now: number): void {
    for (const key of this.buckets.keys()) {
      if (this.tokens(key, now) >= this.options.burst) this.buckets.delete(key);
    }
  }
}

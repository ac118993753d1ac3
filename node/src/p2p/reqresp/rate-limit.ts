/**
 * Inbound request limits: a token bucket per peer and protocol, and caps on how many
 * requests are answered at once per peer and in total. A refused request costs the
 * responder one short error frame, never a store read.
 */
import type { RateLimit } from './constants.ts';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    /** Buckets kept at most; full ones are dropped first (a full bucket is the default). */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes `cost` tokens from `key`'s bucket; false (and nothing taken) when it has fewer. */
  tryTake(key: string, cost = 1): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, updatedAt: now };
    const refill = ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    if (!this.buckets.has(key)) this.makeRoom();
    this.buckets.set(key, bucket);
    return allowed;
  }

  private makeRoom(): void {
    if (this.buckets.size < this.maxKeys) return;
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      const refilled = bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
      if (refilled >= this.limit.burst) this.buckets.delete(key);
    }
    // Every bucket is in use: forget the oldest, which at worst grants it a fresh burst.
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

/** Counts requests in progress, per peer and in total. */
export class ConcurrencyLimit {
  private readonly perPeer = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerPeer: number,
    private readonly maxTotal: number,
  ) {}

  /** A release function, or undefined when the peer (or everyone) is at the cap. */
  tryAcquire(peer: string): (() => void) | undefined {
    const mine = this.perPeer.get(peer) ?? 0;
    if (mine >= this.maxPerPeer || this.total >= this.maxTotal) return undefined;
    this.perPeer.set(peer, mine + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perPeer.get(peer) ?? 1) - 1;
      if (left === 0) this.perPeer.delete(peer);
      else this.perPeer.set(peer, left);
    };
  }

  get inProgress(): number {
    return this.total;
  }
}

/**
 * Candidates checked before their author's commitment was stored (`unknown_commitment`).
 * A commitment first received after its candidate can never pass the reveal delay, so the
 * only wait worth having is for one whose gossip validation was still under way when the
 * candidate was checked: each candidate waits for a commitment with its value, or until
 * `graceMs` after its receipt, whichever comes first. The room is bounded (the earliest
 * received leaves first) and needs no timer per candidate, so a flood of candidates without
 * commitments costs one precheck each, one more when they leave, and nothing in between.
 */
import { type Hash, hashHex, revealedValue } from '@nightshift/protocol';
import type { Received } from './prechecks.ts';

export interface AwaitingOptions {
  /** How long after its receipt a candidate may wait for its commitment. */
  graceMs: number;
  /** The most candidates waiting at once. */
  capacity: number;
}

export const DEFAULT_AWAITING: AwaitingOptions = { graceMs: 30_000, capacity: 4096 };

export class AwaitingCommitments {
  private readonly options: AwaitingOptions;
  /** Candidate id (hex) → the candidate; in order of arrival here. */
  private readonly waiting = new Map<string, Received>();
  /** Commitment value (hex) → the ids of the candidates that open it. */
  private readonly byValue = new Map<string, Set<string>>();

  constructor(options: Partial<AwaitingOptions> = {}) {
    this.options = { ...DEFAULT_AWAITING, ...options };
  }

  get size(): number {
    return this.waiting.size;
  }

  /** True when `received` has waited as long as it may. */
  expired(received: Received, now: number): boolean {
    return now >= received.receivedAt + this.options.graceMs;
  }

  /** Lets `received` wait; returns those that had to leave to make room (to settle now). */
  add(received: Received): Received[] {
    const id = hashHex(received.id);
    if (this.waiting.has(id)) return [];
    this.waiting.set(id, received);
    const value = hashHex(revealedValue(received.candidate));
    const ids = this.byValue.get(value) ?? new Set<string>();
    ids.add(id);
    this.byValue.set(value, ids);
    const evicted: Received[] = [];
    for (const [first] of this.waiting) {
      if (this.waiting.size <= this.options.capacity) break;
      evicted.push(this.remove(first)!);
    }
    return evicted;
  }

  /** A commitment with this value arrived: the candidates that waited for it, to check again. */
  take(value: Hash): Received[] {
    const ids = [...(this.byValue.get(hashHex(value)) ?? [])];
    return ids.map((id) => this.remove(id)!);
  }

  /** Those whose wait is over by `now`, to check one last time. */
  takeExpired(now: number): Received[] {
    const over = [...this.waiting].filter(([, r]) => this.expired(r, now)).map(([id]) => id);
    return over.map((id) => this.remove(id)!);
  }

  private remove(id: string): Received | undefined {
    const received = this.waiting.get(id);
    if (!received) return undefined;
    this.waiting.delete(id);
    const value = hashHex(revealedValue(received.candidate));
    const ids = this.byValue.get(value);
    ids?.delete(id);
    if (ids?.size === 0) this.byValue.delete(value);
    return received;
  }
}

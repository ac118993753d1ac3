/**
 * The verification queue (issue 6 §2): candidates that passed the prechecks, best first.
 * Priority is the claimed improvement over the head, in minDeltas so that targets compare,
 * times the author's reputation weight. Claims are cheap to inflate and reputations are not,
 * so the improvement counts only up to `improvementCap` minDeltas.
 *
 * One candidate per (target, tree): a copy is dropped (`duplicate_tree`) and the queued one
 * keeps the earliest commitment's credit. Bounded: when full, the lowest priority goes
 * (`queue_full`). When a head moves, candidates on its old parent go (`stale_parent`).
 *
 * The store mirrors the queue: queued candidates are `pending`, the one handed out by `next`
 * is `verifying`, and every drop is settled with its reason, so `Queue.restore` rebuilds
 * the queue after a restart, an interrupted verification first.
 */
import { type Candidate, equalBytes, type Hash, hashHex, type Target } from '@nightshift/protocol';
import { isStoreError, type Store, type StoredCandidate } from '@nightshift/store';
import { type Admission, admit } from './admit.ts';
import { type Credit, earlierCredit } from './credit.ts';
import type { Passed, Prechecks } from './prechecks.ts';
import { type ReasonCode, type Verdict, verdictOf } from './reasons.ts';
import type { ReputationPolicy } from './reputation-policy.ts';
import { settle } from './settle.ts';
import { storedCandidates } from './stored-candidates.ts';

export interface QueueOptions {
  /** The most candidates queued at once. */
  capacity: number;
  /** Improvement beyond this many minDeltas earns no more priority. */
  improvementCap: number;
}

export const DEFAULT_QUEUE: QueueOptions = { capacity: 256, improvementCap: 4 };

export interface QueueModules {
  store: Store;
  reputation: ReputationPolicy;
  now: () => number;
}

export interface QueuedCandidate {
  id: Hash;
  candidate: Candidate;
  target: Target;
  credit: Credit;
  /** The claim's improvement over the head, in metric units. */
  improvement: number;
  priority: number;
  /** Restored from `verifying`: a restart cut its run short, so it goes first. */
  interrupted: boolean;
  /** Arrival order, which breaks ties in priority. */
  seq: number;
}

/** A candidate that left the queue (or never entered it) without a run, and why. */
export interface Dropped {
  id: Hash;
  candidate: Candidate;
  code: ReasonCode;
  verdict: Verdict;
  message: string;
}

export class Queue {
  private readonly options: QueueOptions;
  /** Best first. A few hundred items: a sorted array beats a heap that must also drop its worst. */
  private items: QueuedCandidate[] = [];
  private seq = 0;

  constructor(
    options: Partial<QueueOptions>,
    private readonly modules: QueueModules,
  ) {
    this.options = { ...DEFAULT_QUEUE, ...options };
  }

  get size(): number {
    return this.items.length;
  }

  /** The queued candidates, best first (for status pages). */
  list(): readonly QueuedCandidate[] {
    return this.items;
  }

  /** Queues a candidate that passed the prechecks; returns what was dropped to make room. */
  async add(
    { id, candidate }: { id: Hash; candidate: Candidate },
    passed: Passed,
    { interrupted = false } = {},
  ): Promise<{ queued: boolean; dropped: Dropped[] }> {
    const { store, reputation } = this.modules;
    const weight = reputation.weight(await store.reputation.get(candidate.author));
    if (this.items.some((item) => equalBytes(item.id, id))) return { queued: true, dropped: [] };
    const twin = this.items.find(
      (item) =>
        equalBytes(item.candidate.target, candidate.target) &&
        equalBytes(item.candidate.tree, candidate.tree),
    );
    if (twin) {
      twin.credit = earlierCredit(candidate.target, candidate.tree, twin.credit, passed.credit);
      const message = 'a queued candidate has the same tree';
      return {
        queued: false,
        dropped: await this.drop([{ id, candidate }], 'duplicate_tree', message),
      };
    }
    const inMinDeltas = passed.improvement / passed.target.minDelta;
    const item: QueuedCandidate = {
      id,
      candidate,
      target: passed.target,
      credit: passed.credit,
      improvement: passed.improvement,
      priority: Math.min(inMinDeltas, this.options.improvementCap) * weight,
      interrupted,
      seq: this.seq++,
    };
    const at = this.items.findIndex((other) => before(item, other));
    this.items.splice(at === -1 ? this.items.length : at, 0, item);
    const overflow = this.items.splice(this.options.capacity);
    const dropped = await this.drop(overflow, 'queue_full', `${this.options.capacity} queued`);
    return { queued: !overflow.includes(item), dropped };
  }

  /** The best candidate, now `verifying` in the store; undefined when the queue is empty. */
  async next(): Promise<QueuedCandidate | undefined> {
    for (let item = this.items.shift(); item; item = this.items.shift()) {
      if (item.interrupted) return item;
      try {
        const now = this.modules.now();
        await this.modules.store.candidates.setStatus(item.id, 'verifying', {
          reason: '',
          now,
          from: 'pending',
        });
        return item;
      } catch (err) {
        // Settled elsewhere meanwhile (a final status): not this queue's any more.
        if (!isStoreError(err, 'invalid_transition')) throw err;
      }
    }
    return undefined;
  }

  /** The target's head is now `head`: every candidate on another parent is stale. */
  headMoved(target: Hash, head: Hash): Promise<Dropped[]> {
    const stale = this.items.filter(
      (item) =>
        equalBytes(item.candidate.target, target) && !equalBytes(item.candidate.parent, head),
    );
    this.items = this.items.filter((item) => !stale.includes(item));
    return this.drop(stale, 'stale_parent', `the head is now ${hashHex(head)}`);
  }

  /**
   * Rebuilds the queue from the store after a restart: every `verifying` candidate (first,
   * marked interrupted) and every `pending` one, in order of receipt, is prechecked again
   * against the current head and queued or settled. Candidates that wait for a tree, parent
   * or commitment come back in `retry`.
   */
  static async restore(
    options: Partial<QueueOptions>,
    modules: QueueModules & { prechecks: Prechecks },
  ): Promise<{ queue: Queue; dropped: Dropped[]; retry: Admission[] }> {
    const queue = new Queue(options, modules);
    const dropped: Dropped[] = [];
    const retry: Admission[] = [];
    const { store, prechecks } = modules;
    const found: StoredCandidate[] = [];
    const serves = (target: Target) => prechecks.serves(target);
    for await (const stored of storedCandidates(store, ['verifying', 'pending'], serves)) {
      found.push(stored);
    }
    // Interrupted runs first, then by receipt, so rate limits charge candidates in order.
    found.sort(
      (a, b) =>
        Number(b.status === 'verifying') - Number(a.status === 'verifying') ||
        a.receivedAt - b.receivedAt,
    );
    for (const stored of found) {
      const interrupted = stored.status === 'verifying';
      const admission = await admit(stored, { ...modules, queue }, { interrupted });
      dropped.push(...admission.dropped);
      if (admission.retry) retry.push(admission);
    }
    return { queue, dropped, retry };
  }

  private async drop(
    items: { id: Hash; candidate: Candidate }[],
    code: ReasonCode,
    message: string,
  ): Promise<Dropped[]> {
    const now = this.modules.now();
    for (const { id } of items) await settle(this.modules.store, id, code, now);
    const verdict = verdictOf(code);
    return items.map(({ id, candidate }) => ({ id, candidate, code, verdict, message }));
  }
}

/** Queue order: interrupted runs first, then higher priority, then earlier arrival. */
function before(a: QueuedCandidate, b: QueuedCandidate): boolean {
  if (a.interrupted !== b.interrupted) return a.interrupted;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.seq < b.seq;
}

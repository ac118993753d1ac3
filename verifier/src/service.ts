/**
 * The verifier role as a running service (issue 6): candidates that arrive (a target's
 * baseline candidate included, which becomes its entry 0) are prechecked and
 * queued (their trees fetched from peers first when missing); one at a time, the best queued
 * candidate is re-run and attested, the attestation published, the author's reputation
 * updated; once a quorum of accepting attestations exists the entry is assembled, stored
 * (fork choice moves the head) and published. It reaches the network through the small
 * interface below, which node/ implements with gossip and sync.
 */
import type { PrivateKey } from '@libp2p/interface';
import {
  ATTESTATION,
  type Attestation,
  type Candidate,
  type Commitment,
  encodeEntry,
  encodeSigned,
  equalBytes,
  type Hash,
  hashHex,
  isBaseline,
  publicKeyOf,
} from '@nightshift/protocol';
import type { Runner } from '@nightshift/runner';
import type { Store } from '@nightshift/store';
import { admit } from './admit.ts';
import { assembleEntry } from './assemble.ts';
import { AwaitingCommitments, type AwaitingOptions } from './awaiting-commitments.ts';
import { Concurrency } from './concurrency.ts';
import type { Credit } from './credit.ts';
import { type PrecheckOptions, Prechecks, type Received } from './prechecks.ts';
import { Queue, type QueuedCandidate, type QueueOptions } from './queue.ts';
import { ReputationPolicy } from './reputation-policy.ts';
import { settle } from './settle.ts';
import { verify } from './verify.ts';

export interface VerifierNetwork {
  publishAttestation(bytes: Uint8Array): Promise<unknown>;
  publishEntry(bytes: Uint8Array): Promise<unknown>;
  /** Fetches a tree and its files from peers into the store; false when none had them. */
  fetchTree(tree: Hash): Promise<boolean>;
}

export type VerifierEvent =
  | { event: 'queued'; candidate: string; target: string; claim: number }
  | { event: 'dropped'; candidate: string; reason: string }
  /** It cannot be checked yet (its tree or commitment on its way): looked at again later. */
  | { event: 'waiting'; candidate: string; reason: string }
  | {
      event: 'attested';
      candidate: string;
      verdict: 'accept' | 'reject';
      reason: string;
      metric?: number;
    }
  | {
      event: 'entry';
      entry: string;
      candidate: string;
      target: string;
      height: number;
      metric: number;
    };

export interface VerifierServiceOptions {
  prechecks?: Partial<PrecheckOptions>;
  queue?: Partial<QueueOptions>;
  awaiting?: Partial<AwaitingOptions>;
  /**
   * One verification runs at once per entry, with that entry as its CUDA_VISIBLE_DEVICES
   * ('' for none): `['0', '1']` verifies two candidates at once, one on each GPU; the
   * default `['']` one at a time without a GPU.
   */
  gpus?: readonly string[];
}

export interface VerifierServiceModules {
  store: Store;
  runner: Pick<Runner, 'run'>;
  key: PrivateKey;
  network: VerifierNetwork;
  now?: () => number;
  onEvent?: (event: VerifierEvent) => void;
}

/** Looks again at a candidate whose tree or parent is on its way: after 1, 2, 4, ... 32 s. */
const RETRIES = 6;
/** How often candidates waiting for a commitment are looked at for the last time. */
const SWEEP_MS = 1000;
/** Candidates prechecked at once; the others wait in order of arrival (concurrency.ts). */
const PRECHECKS_AT_ONCE = 4;

export class VerifierService {
  private readonly now: () => number;
  private readonly reputation = new ReputationPolicy();
  private readonly prechecks: Prechecks;
  private queue!: Queue;
  private readonly credits = new Map<string, { credit: Credit; candidate: Candidate }>();
  private readonly stopping = new AbortController();
  /** Loops waiting for the queue to fill. */
  private idle: (() => void)[] = [];
  private running: Promise<void> | undefined;
  private readonly retries = new Set<ReturnType<typeof setTimeout>>();
  private readonly awaiting: AwaitingCommitments;
  private readonly prechecking = new Concurrency(PRECHECKS_AT_ONCE);
  private sweep: ReturnType<typeof setInterval> | undefined;
  /** Work started by an arrival (gossip, a timer): finished before `stop` returns. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Target, parent and tree of every candidate attested since start: a copy is not run again. */
  private readonly attestedTrees = new Set<string>();
  /** Candidates whose verification failed on this verifier's side once already. */
  private readonly failedOnce = new Set<string>();

  constructor(
    private readonly options: VerifierServiceOptions,
    private readonly modules: VerifierServiceModules,
  ) {
    this.now = modules.now ?? Date.now;
    this.prechecks = new Prechecks(options.prechecks ?? {}, {
      store: modules.store,
      key: publicKeyOf(modules.key),
      reputation: this.reputation,
      now: this.now,
    });
    this.awaiting = new AwaitingCommitments(options.awaiting);
  }

  /** Restores the queue from the store (an interrupted verification first), then verifies. */
  async start(): Promise<void> {
    const { queue, dropped, retry } = await Queue.restore(this.options.queue ?? {}, {
      store: this.modules.store,
      reputation: this.reputation,
      now: this.now,
      prechecks: this.prechecks,
    });
    this.queue = queue;
    for (const d of dropped)
      this.emit({ event: 'dropped', candidate: hashHex(d.id), reason: d.code });
    for (const item of queue.list()) this.remember(item);
    const slots = this.options.gpus?.length ? this.options.gpus : [''];
    this.running = Promise.all(slots.map((gpus) => this.loop(gpus))).then(() => undefined);
    this.sweep = setInterval(() => {
      for (const received of this.awaiting.takeExpired(this.now())) void this.candidate(received);
    }, SWEEP_MS);
    this.sweep.unref?.();
    for (const { id, candidate, receivedAt } of retry)
      void this.candidate({ id, candidate, receivedAt });
  }

  /** Stops verifying; resolves once nothing of the service touches the store any more. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.retries) clearTimeout(timer);
    clearInterval(this.sweep);
    this.wake();
    await this.running;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** A candidate arrived (gossip): prechecked, its tree fetched if missing, queued. */
  candidate(received: Received, attempt = 0): Promise<void> {
    return this.track(received.id, () => this.admit(received, attempt));
  }

  /** A commitment arrived: the candidates checked before it was stored are checked again. */
  commitment(commitment: Commitment): Promise<void> {
    return this.track(undefined, async () => {
      for (const received of this.awaiting.take(commitment.value)) void this.candidate(received);
    });
  }

  /** Someone's attestation arrived: it may complete a quorum. */
  attestation(attestation: Attestation): Promise<void> {
    return this.track(attestation.candidate, () => this.tryEntry(attestation.candidate));
  }

  /** The head of a target moved: queued candidates on the old head are stale. */
  headMoved(target: Hash, head: Hash): Promise<void> {
    return this.track(undefined, () => this.dropStale(target, head));
  }

  private async admit(received: Received, attempt: number): Promise<void> {
    const modules = {
      store: this.modules.store,
      prechecks: this.prechecks,
      queue: this.queue,
      now: this.now,
    };
    const check = () => this.prechecking.run(() => admit(received, modules));
    let admission = await check();
    if (admission.retry?.code === 'tree_missing' && admission.retry.tree) {
      const fetched = this.modules.network.fetchTree(admission.retry.tree);
      if (await untilAborted(fetched, this.stopping.signal)) admission = await check();
    }
    if (this.stopping.signal.aborted) return;
    const id = hashHex(received.id);
    if (admission.retry?.code === 'unknown_commitment') {
      await this.awaitCommitment(received);
    } else if (admission.retry) {
      if (attempt === 0)
        this.emit({ event: 'waiting', candidate: id, reason: admission.retry.code });
      // What it waits for (its tree on a peer that is still fetching it, a parent still on
      // its way) usually comes within seconds: look again, backing off.
      if (attempt < RETRIES) {
        const timer = setTimeout(
          () => {
            this.retries.delete(timer);
            void this.candidate(received, attempt + 1);
          },
          1000 * 2 ** attempt,
        );
        timer.unref?.();
        this.retries.add(timer);
      }
    }
    for (const d of admission.dropped)
      this.emit({ event: 'dropped', candidate: hashHex(d.id), reason: d.code });
    const queued = this.queue.list().find((item) => hashHex(item.id) === id);
    if (queued) {
      this.remember(queued);
      this.emit({
        event: 'queued',
        candidate: id,
        target: hashHex(queued.candidate.target),
        claim: queued.candidate.claim,
      });
      this.wake();
    }
  }

  /**
   * The candidate was checked before its commitment was stored: it waits for the commitment,
   * or for its grace to end, without a timer of its own (awaiting-commitments.ts); after the
   * grace it is settled as `no_commitment`.
   */
  private async awaitCommitment(received: Received): Promise<void> {
    const over = this.awaiting.expired(received, this.now())
      ? [received]
      : this.awaiting.add(received);
    if (!over.includes(received)) {
      this.emit({
        event: 'waiting',
        candidate: hashHex(received.id),
        reason: 'unknown_commitment',
      });
    }
    for (const { id } of over) {
      await settle(this.modules.store, id, 'no_commitment', this.now());
      this.emit({ event: 'dropped', candidate: hashHex(id), reason: 'no_commitment' });
    }
  }

  /**
   * Runs work that an arrival started, so that `stop` can wait for it. What fails on this
   * verifier's side (its store, its network) is reported as an event, never thrown at a
   * caller that does not wait.
   */
  private track(id: Hash | undefined, work: () => Promise<void>): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    const done: Promise<void> = work()
      .catch((err: Error) => {
        if (this.stopping.signal.aborted || id === undefined) return;
        const reason = `verifier_error: ${err.message}`;
        this.emit({ event: 'dropped', candidate: hashHex(id), reason });
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    return done;
  }

  private async dropStale(target: Hash, head: Hash): Promise<void> {
    if (!this.queue) return;
    for (const d of await this.queue.headMoved(target, head)) {
      this.emit({ event: 'dropped', candidate: hashHex(d.id), reason: d.code });
    }
  }

  /** One verification slot: the best queued candidate, run on `gpus`, until stopped. */
  private async loop(gpus: string): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const item = await this.queue.next();
      if (!item) {
        if (this.stopping.signal.aborted) return;
        await new Promise<void>((resolve) => this.idle.push(resolve));
        continue;
      }
      try {
        if ((await this.isStale(item)) || (await this.isCopy(item))) continue;
        await this.verifyOne(item, gpus);
      } catch (err) {
        if (this.stopping.signal.aborted) return;
        await this.verifierFailed(item, err as Error);
      }
    }
  }

  /**
   * The verifier, not the candidate, failed (its machine, its runner): the candidate goes
   * back to `pending` and is tried once more; a second failure rejects it as
   * `verifier_error`, so one bad candidate cannot stall the service. Either way the author's
   * reputation is untouched.
   */
  private async verifierFailed(item: QueuedCandidate, err: Error): Promise<void> {
    const key = hashHex(item.id);
    const again = !this.failedOnce.has(key);
    this.failedOnce.add(key);
    const { candidates } = this.modules.store;
    const status = again ? 'pending' : 'rejected';
    await candidates
      .setStatus(item.id, status, {
        reason: again ? '' : 'verifier_error',
        now: this.now(),
        from: 'verifying',
      })
      .catch(() => undefined);
    this.emit({ event: 'dropped', candidate: key, reason: `verifier_error: ${err.message}` });
    if (again)
      void this.candidate({ id: item.id, candidate: item.candidate, receivedAt: this.now() });
  }

  /**
   * A candidate whose parent stopped being the head while it waited (an entry this verifier
   * made, or one that arrived) is settled as stale, not run: its author rebases.
   */
  private async isStale(item: QueuedCandidate): Promise<boolean> {
    if (isBaseline(item.candidate)) return false;
    const head = (await this.modules.store.entries.head(item.candidate.target))?.head;
    if (!head || equalBytes(head, item.candidate.parent)) return false;
    const code = 'stale_parent';
    await this.modules.store.candidates
      .setStatus(item.id, 'stale', { reason: code, now: this.now(), from: 'verifying' })
      .catch(() => undefined);
    this.emit({ event: 'dropped', candidate: hashHex(item.id), reason: code });
    return true;
  }

  /**
   * The same tree on the same parent was attested already (a copy that arrived once the
   * original had left the queue for its run): the verdict would be the same, and the credit
   * goes to the earliest commitment either way.
   */
  private async isCopy(item: QueuedCandidate): Promise<boolean> {
    if (!this.attestedTrees.has(treeKey(item.candidate))) return false;
    const code = 'duplicate_tree';
    await settle(this.modules.store, item.id, code, this.now());
    this.emit({ event: 'dropped', candidate: hashHex(item.id), reason: code });
    return true;
  }

  /** Wakes every idle slot: something was queued, or the service stops. */
  private wake(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async verifyOne(item: QueuedCandidate, gpus: string): Promise<void> {
    const { store, runner, key, network } = this.modules;
    const parent = await store.entries.get(item.candidate.parent);
    const attestation = await verify(
      {
        target: item.target,
        candidate: item.candidate,
        candidateId: item.id,
        creditId: item.credit.commitmentId,
        ...(parent && { parentMetric: parent.metric }),
      },
      {
        runner,
        key,
        now: this.now,
        signal: this.stopping.signal,
        gpus,
      },
    );
    const accepted = attestation.verdict === 'accept';
    await store.candidates.setStatus(item.id, accepted ? 'accepted' : 'rejected', {
      reason: attestation.reason,
      now: this.now(),
      from: 'verifying',
    });
    await store.reputation.update(item.candidate.author, (record) =>
      accepted
        ? this.reputation.afterVerified(record, this.now())
        : this.reputation.afterFailed(record, this.now()),
    );
    this.attestedTrees.add(treeKey(item.candidate));
    // Kept here first: the quorum counts it whatever the network does with it.
    await store.attestations.put(attestation);
    await network.publishAttestation(encodeSigned(ATTESTATION, attestation));
    this.emit({
      event: 'attested',
      candidate: hashHex(item.id),
      verdict: attestation.verdict,
      reason: attestation.reason,
      ...(attestation.metric !== undefined && { metric: attestation.metric }),
    });
    if (accepted) await this.tryEntry(item.id);
  }

  /** Assembles, stores and publishes the entry once a quorum accepted the candidate. */
  private async tryEntry(candidateId: Hash): Promise<void> {
    const known = this.credits.get(hashHex(candidateId));
    if (!known) return;
    const { store, network } = this.modules;
    const target = await store.targets.get(known.candidate.target);
    const baseline = isBaseline(known.candidate);
    const parent = baseline ? undefined : await store.entries.get(known.candidate.parent);
    if (!target || (!baseline && !parent)) return;
    const entry = await assembleEntry(
      store,
      target,
      { value: known.candidate, id: candidateId },
      known.credit,
      parent && { hash: known.candidate.parent, height: parent.height },
    );
    if (!entry) return;
    const added = await store.entries.addValidated(entry, { now: this.now() });
    if (!added.ok) return;
    this.credits.delete(hashHex(candidateId));
    // The head may have moved to this entry: what waits on the old head is stale now.
    const head = await store.entries.head(entry.target);
    if (head) await this.dropStale(entry.target, head.head);
    await network.publishEntry(encodeEntry(entry));
    this.emit({
      event: 'entry',
      entry: hashHex(added.hash),
      candidate: hashHex(candidateId),
      target: hashHex(entry.target),
      height: entry.height,
      metric: entry.metric,
    });
  }

  private remember(item: QueuedCandidate): void {
    this.credits.set(hashHex(item.id), { credit: item.credit, candidate: item.candidate });
  }

  private emit(event: VerifierEvent): void {
    this.modules.onEvent?.(event);
  }
}

/** Whether `work` came true; false as soon as `signal` aborts (the work is left to end). */
function untilAborted(work: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function treeKey(candidate: Candidate): string {
  return `${hashHex(candidate.target)}/${hashHex(candidate.parent)}/${hashHex(candidate.tree)}`;
}

/**
 * The volunteer's worker (issue 5): autoresearch's loop on one target. Ask the searcher for a
 * change to the mutable files of the local best, run it through the runner with the seed the
 * verifiers will use (derived from the head entry), keep it if it beats the local best and
 * revert otherwise, journal every experiment; announce the local best (commitment, then the
 * candidate) once it beats the head by minDelta plus a margin; when another entry becomes the
 * head, start from it and try the local best's change on top.
 */
import type { PrivateKey } from '@libp2p/interface';
import {
  beatsByMinDelta,
  deriveSeed,
  fromHex,
  type Hash,
  hashHex,
  isBetter,
  type Target,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { type Runner, reasonCode } from '@nightshift/runner';
import { isSearcherError, type JournalEntry, type Searcher } from '@nightshift/searchers';
import type { JournalRecord, Store } from '@nightshift/store';
import { abortableSleep } from '../abortable-sleep.ts';
import { type Announcer, announce } from './announce.ts';
import type { StopReason, WorkerEvent } from './events.ts';
import { appendResult } from './results-file.ts';
import { mutableFiles, storeChangedTree } from './tree-files.ts';

export interface WorkerOptions {
  maxExperiments?: number;
  durationMs?: number;
  /** Announce only when the local best beats the head by minDelta plus this much (metric units). */
  announceMargin: number;
  /** One experiment slot per entry, each its CUDA_VISIBLE_DEVICES; `['']` for one without a GPU. */
  gpus: string[];
  /** With `gpuIdle`: how often a paused slot looks again (default 5 s). */
  idlePollMs?: number;
}

export interface WorkerModules {
  store: Store;
  runner: Pick<Runner, 'run'>;
  searcher: Searcher;
  key: PrivateKey;
  /** Without one the worker searches and journals but announces nothing. */
  announcer?: Announcer;
  /** The target's workspace directory (results.tsv). */
  workspace: string;
  signal: AbortSignal;
  random: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onEvent?: (event: WorkerEvent) => void;
  /** Fetches a tree and its files from peers; true once both are stored. Without it the
   *  worker waits for them to arrive some other way (a sync). */
  fetchTree?: (hash: Hash) => Promise<boolean>;
  /** `--when-idle`: whether nobody else uses this GPU now; without it slots never pause. */
  gpuIdle?: (gpu: string) => Promise<boolean>;
}

/** A tree with its measured (or, for a head, verified) metric. */
interface Measured {
  tree: Tree;
  hash: Hash;
  metric: number;
}

interface Head extends Measured {
  entry: Hash;
  height: number;
}

/** How often a worker whose head's files have not arrived looks again. */
const HEAD_FILES_RETRY_MS = 1000;

/** Searcher failures in a row after which the worker stops rather than spin. */
const MAX_SEARCHER_FAILURES = 10;

export class Worker {
  private head!: Head;
  private best!: Measured & { announced: boolean };
  private journal: JournalRecord[] = [];
  /** The number of the last experiment journaled or being journaled. */
  private lastNumber = 0;
  private effort = { experiments: 0, seconds: 0 };
  private announcing: Promise<void> = Promise.resolve();
  /** The claim last announced on the current head. */
  private lastClaim: number | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly target: Target,
    private readonly targetId: Hash,
    private readonly options: WorkerOptions,
    private readonly modules: WorkerModules,
  ) {
    this.now = modules.now ?? Date.now;
    this.sleep = modules.sleep ?? ((ms) => abortableSleep(ms, modules.signal));
  }

  /** Runs until a stop condition; returns why it stopped. */
  async run(): Promise<StopReason> {
    const { store } = this.modules;
    this.journal = await store.journal.list(this.targetId);
    this.lastNumber = this.journal.at(-1)?.n ?? 0;
    let head = await this.readHead();
    while (!head) {
      // The entry arrived before its files: they come from the peers that have them.
      if (this.modules.signal.aborted) {
        this.emit({ event: 'stopped', experiments: this.journal.length, reason: 'signal' });
        return 'signal';
      }
      await this.sleep(HEAD_FILES_RETRY_MS);
      head = await this.readHead();
    }
    this.head = head;
    this.best = { ...this.head, announced: true };
    await this.resumeBest();
    this.emit({
      event: 'started',
      target: hashHex(this.targetId),
      name: this.target.name,
      head: hashHex(this.head.entry),
      metric: this.head.metric,
      resumed: this.journal.length,
    });
    const reason = await this.loop();
    await this.announcing;
    this.stopped = true;
    this.emit({ event: 'stopped', experiments: this.journal.length, reason });
    return reason;
  }

  /**
   * One experiment per slot (GPU) at a time. A slot that finishes journals its result and
   * takes the next proposal from the local best as it is then; with `--when-idle` a slot waits
   * while someone else uses its GPU.
   */
  private async loop(): Promise<StopReason> {
    const started = this.now();
    let begun = 0;
    let searcherFailures = 0;
    let stop: StopReason | undefined;
    const stopReason = (): StopReason | undefined => {
      if (stop) return stop;
      if (this.modules.signal.aborted) return 'signal';
      const { maxExperiments, durationMs } = this.options;
      if (maxExperiments !== undefined && begun >= maxExperiments) return 'max_experiments';
      if (durationMs !== undefined && this.now() - started >= durationMs) return 'duration';
      return undefined;
    };
    const slot = async (gpu: string): Promise<void> => {
      for (;;) {
        if (stopReason()) return;
        if (!(await this.waitUntilIdle(gpu))) return;
        await this.followHead();
        if (stopReason()) return;
        begun += 1;
        try {
          await this.experiment(gpu);
          searcherFailures = 0;
        } catch (err) {
          begun -= 1;
          if (this.modules.signal.aborted) return;
          if (!isSearcherError(err)) throw err;
          this.emit({ event: 'searcher_error', code: err.code, message: err.message });
          if (err.code === 'search_exhausted' || err.code === 'no_search_space') {
            stop = 'search_exhausted';
          } else if (++searcherFailures >= MAX_SEARCHER_FAILURES) {
            stop = 'searcher_failing';
          } else {
            await this.sleep(Math.min(30_000, 500 * 2 ** searcherFailures));
          }
        }
      }
    };
    await Promise.all(this.options.gpus.map(slot));
    return stopReason() ?? 'signal';
  }

  /**
   * Holds every slot before its next experiment (the ones running finish) until `resume`:
   * what the node's owner asks through the API.
   */
  pause(): void {
    if (this.hold) return;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.hold = { released, release };
    this.emit({ event: 'paused', gpu: '', by: 'request' });
  }

  resume(): void {
    if (!this.hold) return;
    this.hold.release();
    this.hold = undefined;
    this.emit({ event: 'resumed', gpu: '', by: 'request' });
  }

  /** What the API shows of this worker. */
  state(): {
    status: 'waiting' | 'running' | 'paused' | 'stopped';
    experiments: number;
    best?: number;
  } {
    const status = this.stopped
      ? 'stopped'
      : this.hold
        ? 'paused'
        : this.best
          ? 'running'
          : 'waiting';
    return {
      status,
      experiments: this.journal.length,
      ...(this.best && { best: this.best.metric }),
    };
  }

  private hold: { released: Promise<void>; release: () => void } | undefined;
  private stopped = false;

  /** True once `gpu` is idle (at once without `--when-idle`); false if stopped meanwhile. */
  private async waitUntilIdle(gpu: string): Promise<boolean> {
    const { gpuIdle, signal } = this.modules;
    while (this.hold && !signal.aborted) {
      const { released } = this.hold;
      await new Promise<void>((resolve) => {
        released.then(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (!gpuIdle || gpu === '') return !signal.aborted;
    let paused = false;
    while (!signal.aborted && !(await gpuIdle(gpu))) {
      if (!paused) this.emit({ event: 'paused', gpu });
      paused = true;
      await this.sleep(this.options.idlePollMs ?? 5000);
    }
    if (paused && !signal.aborted) this.emit({ event: 'resumed', gpu });
    return !signal.aborted;
  }

  /** One proposal from the local best, run on `gpu` and judged against the best when it ends. */
  private async experiment(gpu: string): Promise<void> {
    const { store, searcher, signal, random } = this.modules;
    const base = this.best;
    const head = this.head;
    const files = await mutableFiles(store, this.target, base.tree);
    const program = await this.program();
    const proposal = await searcher.propose({
      target: this.target,
      files,
      program,
      journal: this.journal.map(toJournalEntry),
      random,
      signal,
    });
    const changed = await storeChangedTree(store, base.tree, proposal.files);
    const record = await this.measure(changed, head, gpu, proposal.description, proposal.params);
    if (record.status === 'keep' && record.metric !== undefined) {
      this.best = { ...changed, metric: record.metric, announced: false };
      this.maybeAnnounce(proposal.description);
    }
  }

  /**
   * Runs a tree built on `head` with that head's seed (the one verifiers will use), journals
   * it, and keeps it if it beats the local best and the head has not moved meanwhile.
   */
  private async measure(
    candidate: { tree: Tree; hash: Hash },
    head: Head,
    gpu: string,
    description: string,
    params?: Record<string, string>,
  ): Promise<JournalRecord> {
    const began = this.now();
    const result = await this.modules.runner.run({
      target: this.target,
      tree: candidate.tree,
      seed: deriveSeed(head.entry, 0),
      gpus: gpu,
      signal: this.modules.signal,
    });
    const seconds = (this.now() - began) / 1000;
    const { outcome } = result;
    const metric = outcome.kind === 'ok' ? outcome.metric : undefined;
    const direction = this.target.metric.direction;
    const current = hashHex(head.entry) === hashHex(this.head.entry);
    const status =
      metric === undefined
        ? 'crash'
        : current && isBetter(metric, this.best.metric, direction)
          ? 'keep'
          : 'discard';
    const record: JournalRecord = {
      // Taken now, not from the journal: two slots finishing together would share a number.
      n: ++this.lastNumber,
      tree: hashHex(candidate.hash),
      parent: hashHex(head.entry),
      status,
      reason: reasonCode(outcome),
      ...(metric !== undefined && { metric }),
      seconds,
      description,
      ...(params && { params }),
      at: this.now(),
    };
    await this.modules.store.journal.append(this.targetId, record);
    await appendResult(this.modules.workspace, record);
    this.journal.push(record);
    this.effort.experiments += 1;
    this.effort.seconds += seconds;
    const kept = this.journal.filter((r) => r.status === 'keep').length;
    this.emit({
      event: 'experiment',
      n: record.n,
      status,
      reason: record.reason,
      ...(metric !== undefined && { metric }),
      seconds,
      description,
      best: status === 'keep' && metric !== undefined ? metric : this.best.metric,
      head: this.head.metric,
      keepRate: kept / this.journal.length,
    });
    return record;
  }

  /** Announces the local best in the background once it beats the head by enough. */
  private maybeAnnounce(description: string): void {
    const { announcer, key } = this.modules;
    const best = this.best;
    const threshold = this.target.minDelta + this.options.announceMargin;
    const direction = this.target.metric.direction;
    if (!announcer || best.announced) return;
    if (!beatsByMinDelta(best.metric, this.head.metric, threshold, direction)) return;
    // Verifiers take one candidate per head; a later one is worth their time only when it
    // would itself be an entry on top of the one already announced.
    const last = this.lastClaim;
    if (
      last !== undefined &&
      !beatsByMinDelta(best.metric, last, this.target.minDelta, direction)
    ) {
      return;
    }
    best.announced = true;
    this.lastClaim = best.metric;
    const claim = {
      target: this.target,
      targetId: this.targetId,
      parent: this.head.entry,
      tree: best.hash,
      metric: best.metric,
      experiments: this.effort.experiments,
      seconds: this.effort.seconds,
      description: description.slice(0, 200),
    };
    const headMetric = this.head.metric;
    this.announcing = this.announcing.then(async () => {
      try {
        const ids = await announce(claim, key, announcer, { now: this.now, sleep: this.sleep });
        this.emit({
          event: 'announced',
          commitment: hashHex(ids.commitment),
          candidate: hashHex(ids.candidate),
          claim: claim.metric,
          head: headMetric,
        });
      } catch (err) {
        if (this.modules.signal.aborted) return;
        this.emit({ event: 'announce_failed', message: (err as Error).message });
      }
    });
  }

  /** Follows the head once however many slots ask at the same moment. */
  private followHead(): Promise<void> {
    this.following ??= this.moveToHead().finally(() => {
      this.following = undefined;
    });
    return this.following;
  }

  private following: Promise<void> | undefined;

  /**
   * When another entry has become the head: start from it, and try the local best's change
   * on top when the files it changed are the same in the new head as in the old one.
   */
  private async moveToHead(): Promise<void> {
    const next = await this.readHead();
    // Until the new head's files arrive, the worker goes on from the head it has.
    if (!next || hashHex(next.entry) === hashHex(this.head.entry)) return;
    const { store } = this.modules;
    const previous = this.head;
    const previousBest = this.best;
    this.head = next;
    this.best = { ...next, announced: true };
    this.effort = { experiments: 0, seconds: 0 };
    this.lastClaim = undefined;
    this.emit({
      event: 'head',
      head: hashHex(next.entry),
      height: next.height,
      metric: next.metric,
    });
    if (hashHex(previousBest.hash) === hashHex(previous.hash)) return;
    const before = await mutableFiles(store, this.target, previous.tree);
    const ours = await mutableFiles(store, this.target, previousBest.tree);
    const theirs = await mutableFiles(store, this.target, next.tree);
    const changes = new Map([...ours].filter(([path, bytes]) => !same(before.get(path), bytes)));
    const clean = [...changes.keys()].every((path) => same(before.get(path), theirs.get(path)));
    if (changes.size === 0 || !clean) {
      this.emit({ event: 'rebased', applied: false });
      return;
    }
    const rebased = await storeChangedTree(store, next.tree, changes);
    const record = await this.measure(
      rebased,
      next,
      this.options.gpus[0] ?? '',
      'rebase the local best onto the new head',
    );
    this.emit({
      event: 'rebased',
      applied: true,
      ...(record.metric !== undefined && { metric: record.metric }),
    });
    if (record.status === 'keep' && record.metric !== undefined) {
      this.best = { ...rebased, metric: record.metric, announced: false };
      this.maybeAnnounce(previousBest.announced ? 'the local best, rebased' : 'rebased');
    }
  }

  /**
   * After a restart: the last kept experiment on the current head is the local best again
   * (announced again if it is worth it: credit goes to the earliest commitment anyway).
   */
  private async resumeBest(): Promise<void> {
    const parent = hashHex(this.head.entry);
    const onHead = this.journal.filter((r) => r.parent === parent);
    this.effort = {
      experiments: onHead.length,
      seconds: onHead.reduce((sum, r) => sum + r.seconds, 0),
    };
    const last = onHead.filter((r) => r.status === 'keep').at(-1);
    if (last?.metric === undefined) return;
    const hash = fromHex(last.tree);
    const tree = await this.modules.store.trees.get(hash);
    if (!tree) return;
    this.best = { tree, hash, metric: last.metric, announced: false };
    this.maybeAnnounce(last.description);
  }

  /** The stored head with its tree; undefined while the tree and its files are not here yet. */
  private async readHead(): Promise<Head | undefined> {
    const { store, fetchTree } = this.modules;
    const head = await store.entries.head(this.targetId);
    if (!head)
      throw new Error(`target ${this.target.name} has no log entry yet (no verified baseline)`);
    const entry = await store.entries.get(head.head);
    if (!entry) return undefined;
    let tree = await store.trees.get(entry.candidate.tree);
    if (!tree && fetchTree && (await fetchTree(entry.candidate.tree))) {
      tree = await store.trees.get(entry.candidate.tree);
    }
    if (!tree) return undefined;
    return {
      entry: head.head,
      height: head.height,
      metric: head.metric,
      tree,
      hash: treeHash(tree),
    };
  }

  private async program(): Promise<string> {
    const file = this.best.tree.files.find((f) => f.path === this.target.program);
    const bytes = file && (await this.modules.store.blobs.get(file.blob));
    return bytes ? new TextDecoder().decode(bytes) : '';
  }

  private emit(event: WorkerEvent): void {
    this.modules.onEvent?.(event);
  }
}

function toJournalEntry(record: JournalRecord): JournalEntry {
  return {
    n: record.n,
    description: record.description,
    status: record.status,
    ...(record.metric !== undefined && { metric: record.metric }),
    seconds: record.seconds,
    ...(record.params && { params: record.params }),
  };
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a).equals(b);
}

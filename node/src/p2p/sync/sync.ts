/**
 * The sync manager: brings this node's log up to its peers'. On every new connection (and
 * when asked, and every `statusIntervalMs`) it runs the status handshake with the peer; for
 * each target where the peer's head is preferred by fork choice to ours, or unknown to us,
 * it fetches the target if missing (with its baseline tree and blobs), range-syncs the
 * entries, then fetches the candidate trees of the new entries and their blobs. When a sync
 * moves one of our heads, it runs the handshake again with every peer, so peers that are
 * behind learn of it and sync from us in turn: that is how groups converge after a partition.
 *
 * `new Sync(options, { host, store, now })`, `start()`, `stop()`; `syncWith(peer)` resolves
 * with a report once that peer is synced; `idle()` once no sync is running.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  type Hash,
  type Head,
  hashHex,
  type Status,
  type Target,
  type Tree,
  type TreeFile,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { isReqRespError, ReqResp, type ReqRespHost } from '../reqresp/index.ts';
import type { ReceivedEntry } from './entry-batch.ts';
import { EntryValidator, sharedEntryValidator } from './entry-validator.ts';
import { isSyncError, RESPONSE_PENALTY, SyncError } from './errors.ts';
import { Fetcher } from './fetcher.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.ts';
import { isBetterHead, rangeSync } from './range-sync.ts';

/** What the sync manager needs of a libp2p node. */
export type SyncHost = ReqRespHost &
  Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'getPeers'>;

export type SyncStore = Pick<Store, 'entries' | 'targets' | 'trees' | 'blobs'>;

export interface SyncModules {
  host: SyncHost;
  store: SyncStore;
  now?: () => number;
}

export interface FailureInfo {
  code: string;
  message: string;
}

export interface TargetSyncReport {
  target: Hash;
  /** Entries stored by this sync. */
  added: number;
  /** Our head of the target after the sync. */
  head?: Head;
  error?: FailureInfo;
}

export interface SyncReport {
  peer: string;
  /** The peer's Status, when the handshake succeeded. */
  status?: Status;
  /** One per target the peer was ahead on (or that was new to us). */
  targets: TargetSyncReport[];
  error?: FailureInfo;
}

export interface SyncEvents {
  /** A handshake with a peer succeeded. */
  status: [{ peer: string; status: Status }];
  /** A sync with a peer finished (successfully or not). */
  synced: [SyncReport];
  /** A sync moved our head of a target. */
  head: [{ target: Hash; head: Head }];
  /** A peer's response broke a rule; it was penalised. */
  penalty: [{ peer: string; code: string; message: string; points: number }];
}

export class Sync extends EventEmitter<SyncEvents> {
  readonly options: SyncOptions;
  readonly reqResp: ReqResp;
  private readonly host: SyncHost;
  private readonly store: SyncStore;
  private readonly now: () => number;
  private readonly validator: EntryValidator;
  private controller = new AbortController();
  private started = false;
  /** Per peer: the tail of its sync runs, and a run queued but not started yet. */
  private readonly peers = new Map<
    string,
    { tail: Promise<unknown>; queued?: Promise<SyncReport> }
  >();
  private readonly running = new Set<Promise<unknown>>();
  /** Per target: syncs of one target run one at a time. */
  private readonly targetLocks = new Map<string, Promise<unknown>>();
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: Partial<SyncOptions>, modules: SyncModules) {
    super();
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...options };
    this.host = modules.host;
    this.store = modules.store;
    this.now = modules.now ?? Date.now;
    const threads = this.options.validationThreads;
    this.validator = threads === undefined ? sharedEntryValidator() : new EntryValidator(threads);
    this.reqResp = new ReqResp(this.options.reqResp, {
      host: modules.host,
      store: modules.store,
      now: this.now,
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.controller = new AbortController();
    // Every request in flight listens to it.
    setMaxListeners(Number.POSITIVE_INFINITY, this.controller.signal);
    await this.reqResp.start();
    this.reqResp.on('status', this.onRemoteStatus);
    this.host.addEventListener('peer:connect', this.onConnect);
    if (this.options.statusIntervalMs > 0) {
      this.statusTimer = setInterval(() => this.syncWithAll(), this.options.statusIntervalMs);
      this.statusTimer.unref();
    }
    this.syncWithAll();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.host.removeEventListener('peer:connect', this.onConnect);
    this.reqResp.off('status', this.onRemoteStatus);
    clearInterval(this.statusTimer);
    clearTimeout(this.announceTimer);
    this.controller.abort();
    await this.idle();
    await this.reqResp.stop();
  }

  /** Runs the handshake with `peer` and syncs what it is ahead on; never rejects. A call
   *  while a sync with the peer runs queues one more run, shared by later calls. */
  syncWith(peer: PeerId | string): Promise<SyncReport> {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer;
    const id = peerId.toString();
    const state = this.peers.get(id) ?? { tail: Promise.resolve() };
    if (state.queued) return state.queued;
    const run = state.tail.then(() => {
      state.queued = undefined;
      return this.run(peerId);
    });
    state.queued = run;
    state.tail = run;
    this.peers.set(id, state);
    this.running.add(run);
    run.finally(() => {
      this.running.delete(run);
      if (state.tail === run) this.peers.delete(id);
    });
    return run;
  }

  /**
   * Fetches a tree by hash from the connected peers (`from` first), checks and stores it;
   * undefined when no peer had it. For whoever needs a candidate's files (a verifier).
   */
  async fetchTree(hash: Hash, from?: PeerId): Promise<Tree | undefined> {
    const trees = await this.fetcher().trees([hash], this.peersFor(from));
    return trees.get(hashHex(hash));
  }

  /** A tree and all its files, stored or fetched from the connected peers: true once here. */
  async fetchTreeWithFiles(hash: Hash): Promise<boolean> {
    const tree = await this.fetchTree(hash);
    return tree !== undefined && (await this.fetchFiles(tree.files)) === 0;
  }

  /** Fetches the blobs of these files that are not stored yet from the connected peers
   *  (`from` first); returns how many no peer could provide. */
  fetchFiles(files: TreeFile[], from?: PeerId): Promise<number> {
    return this.fetcher().blobs(files, this.peersFor(from));
  }

  /** Resolves once no sync is running or queued. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private syncWithAll(): void {
    for (const peer of this.host.getPeers()) void this.syncWith(peer);
  }

  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    void this.syncWith(event.detail);
  };

  /** A peer told us its heads (asking for ours): sync if it is ahead on anything. */
  private readonly onRemoteStatus = ({ peer, status }: { peer: string; status: Status }) => {
    void this.isAheadOnAny(status).then((ahead) => {
      if (ahead && this.started) void this.syncWith(peer);
    });
  };

  private async isAheadOnAny(status: Status): Promise<boolean> {
    for (const remote of status.heads) {
      const direction = await this.store.targets.direction(remote.target);
      if (!direction) return true;
      if (isBetterHead(remote, await this.store.entries.head(remote.target), direction))
        return true;
    }
    return false;
  }

  private async run(peer: PeerId): Promise<SyncReport> {
    const report: SyncReport = { peer: peer.toString(), targets: [] };
    try {
      if (!this.started) throw new SyncError('stopped');
      if (this.reqResp.isBanned(peer)) throw new SyncError('stopped', 'the peer is banned');
      const status = await this.reqResp.status(peer, { signal: this.controller.signal });
      report.status = status;
      this.emit('status', { peer: report.peer, status });
      for (const remote of status.heads) {
        if (this.reqResp.isBanned(peer) || !this.started) break;
        const result = await this.syncTarget(peer, remote);
        if (result) report.targets.push(result);
      }
    } catch (err) {
      report.error = this.failure(peer, err);
    }
    this.emit('synced', report);
    return report;
  }

  /** Syncs one target the peer announced, if the peer is ahead on it. */
  private async syncTarget(peer: PeerId, remote: Head): Promise<TargetSyncReport | undefined> {
    return this.withTargetLock(remote.target, async () => {
      const report: TargetSyncReport = { target: remote.target, added: 0 };
      try {
        const target = await this.targetFrom(peer, remote);
        const direction = target.metric.direction;
        if (!isBetterHead(remote, await this.store.entries.head(remote.target), direction)) {
          return undefined;
        }
        const fetcher = this.fetcher();
        let trees = Promise.resolve();
        const result = await rangeSync(
          {
            store: this.store,
            reqResp: this.reqResp,
            now: this.now,
            batchSize: this.options.batchSize,
            validator: this.validator,
            signal: this.controller.signal,
            onBatch: (added) => {
              if (!this.options.fetchTrees) return;
              // Overlaps the next batch; failures are reported, never fatal to the sync.
              trees = trees
                .then(() => this.fetchTrees(fetcher, peer, added))
                .catch((err) => {
                  this.failure(peer, err);
                });
            },
          },
          peer,
          target,
          remote,
        );
        await trees;
        report.added = result.added;
        const head = await this.store.entries.head(remote.target);
        if (head) report.head = head;
        if (result.head) {
          this.emit('head', { target: remote.target, head: result.head });
          this.scheduleAnnounce();
        }
      } catch (err) {
        report.error = this.failure(peer, err);
      }
      return report;
    });
  }

  /** The target, from the store or else fetched (the announcing peer first). */
  private async targetFrom(peer: PeerId, remote: Head): Promise<Target> {
    const stored = await this.store.targets.get(remote.target);
    if (stored) return stored;
    try {
      return await this.fetcher().target(remote.target, this.peersFor(peer));
    } catch (err) {
      if (isSyncError(err, 'not_found_anywhere')) throw new SyncError('unavailable', err.message);
      throw err;
    }
  }

  private async fetchTrees(fetcher: Fetcher, peer: PeerId, added: ReceivedEntry[]) {
    const peers = this.peersFor(peer);
    const trees = await fetcher.trees(
      added.map((a) => a.entry.candidate.tree),
      peers,
    );
    await fetcher.blobs(
      [...trees.values()].flatMap((tree) => tree.files),
      peers,
    );
  }

  private fetcher(): Fetcher {
    return new Fetcher({
      store: this.store,
      reqResp: this.reqResp,
      now: this.now,
      signal: this.controller.signal,
      onFault: (peer, err) => this.failure(peer, err),
      blobSegmentBytes: this.options.blobSegmentBytes,
      blobParallelRanges: this.options.blobParallelRanges,
      blobBatchBytes: this.options.blobBatchBytes,
      rateLimitRetries: this.options.rateLimitRetries,
    });
  }

  /** The peer first, then every other connected peer that is not banned. */
  private peersFor(first: PeerId | undefined): PeerId[] {
    const others = this.host
      .getPeers()
      .filter((p) => !first?.equals(p) && !this.reqResp.isBanned(p));
    return first ? [first, ...others] : others;
  }

  /** Describes a failure, penalising the peer for faults its responses committed. */
  private failure(peer: PeerId, err: unknown): FailureInfo {
    if (!isSyncError(err) && !isReqRespError(err)) {
      if (this.controller.signal.aborted) return { code: 'stopped', message: 'stopping' };
      // Not the peer's fault (a store error, a bug): reported, never thrown at a caller.
      const code = (err as { code?: unknown }).code;
      return {
        code: typeof code === 'string' ? code : 'internal',
        message: err instanceof Error ? err.message : String(err),
      };
    }
    const points = RESPONSE_PENALTY[err.code] ?? 0;
    if (points > 0) {
      this.emit('penalty', { peer: peer.toString(), code: err.code, message: err.message, points });
      this.reqResp.penalize(peer, points, err.code);
    }
    return { code: err.code, message: err.message };
  }

  private scheduleAnnounce(): void {
    if (this.announceTimer || !this.started) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = undefined;
      if (this.started) this.syncWithAll();
    }, this.options.announceDelayMs);
    this.announceTimer.unref();
  }

  private async withTargetLock<T>(target: Hash, critical: () => Promise<T>): Promise<T> {
    const key = Buffer.from(target).toString('hex');
    const previous = this.targetLocks.get(key) ?? Promise.resolve();
    const result = previous.then(critical);
    const tail = result.catch(() => {});
    this.targetLocks.set(key, tail);
    tail.then(() => {
      if (this.targetLocks.get(key) === tail) this.targetLocks.delete(key);
    });
    return result;
  }
}

/**
 * The local swarm behind `nightshift demo` (and `npm start`): real peers over TCP on
 * 127.0.0.1, in one process. A hub serves the dashboard and verifies; it also submits the
 * bundled target the first time (as its researcher and only verifier, quorum 1). Workers
 * search it with the `evolve` searcher and announce what they find; the hub re-runs each
 * claim and grows the log. Each peer keeps its own data directory under the demo's, so a
 * second start resumes the same log.
 */
import { join } from 'node:path';
import {
  fromHex,
  type Hash,
  hashHex,
  peerIdOf,
  publicKeyOf,
  type Target,
} from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { createSearcher, seededRandom } from '@nightshift/searchers';
import { loadTargetDir } from '@nightshift/target-dir';
import type { VerifierEvent } from '@nightshift/verifier';
import type { ApiAddress } from '../api/server.ts';
import { LOOPBACK_SCORING } from '../p2p/gossip/index.ts';
import { Peer } from '../peer.ts';
import {
  claimBaseline,
  publishTarget,
  type SubmitEvent,
  waitForGenesis,
} from '../researcher/submit.ts';
import type { WorkerEvent } from '../worker/events.ts';
import { Worker } from '../worker/worker.ts';

export interface SwarmOptions {
  /** The demo's own directory: `hub/` and `worker-<n>/` beneath it. */
  dataDir: string;
  /** The target directory to search (the bundled tiny-lm). */
  targetDir: string;
  workers: number;
  api: ApiAddress;
  /** Run experiments without bubblewrap: only for the demo's own, local peers. */
  unsafe: boolean;
}

export type SwarmEvent =
  | ({ source: 'submit' } & SubmitEvent)
  | { source: 'hub'; event: 'started'; dashboard: string; peerId: string }
  | {
      source: 'hub';
      event: 'entry';
      height: number;
      hash: string;
      metric: number;
      change?: number;
      author: string;
      description: string;
    }
  | ({ source: 'verifier' } & VerifierEvent)
  | ({ source: 'worker'; worker: number } & WorkerEvent);

export interface SwarmModules {
  signal: AbortSignal;
  onEvent(event: SwarmEvent): void;
}

/** How long a new target's baseline may take to become entry 0. */
const GENESIS_WAIT_MS = 180_000;
/** How long a worker waits for the hub's log to reach it. */
const SYNC_WAIT_MS = 60_000;
const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

export class LocalSwarm {
  private readonly peers: Peer[] = [];
  private readonly runs: Promise<unknown>[] = [];

  constructor(
    private readonly options: SwarmOptions,
    private readonly modules: SwarmModules,
  ) {}

  /** Starts the hub, makes sure the target has entry 0, then starts the workers. */
  async start(): Promise<{ hub: Peer; targetId: Hash }> {
    const { options, modules } = this;
    const hub = await this.startPeer('hub', [], {
      verify: {
        allowUnsandboxed: options.unsafe,
        onEvent: (event) => modules.onEvent({ source: 'verifier', ...event }),
      },
      api: options.api,
    });
    modules.onEvent({
      source: 'hub',
      event: 'started',
      dashboard: hub.api?.url ?? '',
      peerId: hub.peerId,
    });
    const targetId = await this.genesis(hub);
    this.reportEntries(hub, targetId);
    const target = (await hub.store.targets.get(targetId))!;
    for (let n = 1; n <= options.workers; n++) {
      const peer = await this.startPeer(`worker-${n}`, hub.multiaddrs(), {});
      this.runs.push(this.work(peer, n, target, targetId));
    }
    return { hub, targetId };
  }

  /** Stops the workers (they finish their experiment's bookkeeping), then every peer. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.runs);
    for (const peer of [...this.peers].reverse()) await peer.stop();
  }

  private async startPeer(
    name: string,
    bootstrap: string[],
    extra: Partial<Parameters<typeof Peer.start>[0]>,
  ): Promise<Peer> {
    const peer = await Peer.start({
      dataDir: join(this.options.dataDir, name),
      listen: [LOOPBACK],
      bootstrap,
      mdns: false,
      scoring: LOOPBACK_SCORING,
      ...extra,
    });
    this.peers.push(peer);
    return peer;
  }

  /**
   * The hub's target of this name with entry 0: the one from an earlier start, or a new
   * submission. A submission stopped before entry 0 claims its baseline again.
   */
  private async genesis(hub: Peer): Promise<Hash> {
    const dir = await loadTargetDir(this.options.targetDir);
    const submit = {
      store: hub.store,
      gossip: hub.gossip,
      runner: this.runner(hub),
      key: hub.privateKey,
      signal: this.modules.signal,
      onEvent: (event: SubmitEvent) => this.modules.onEvent({ source: 'submit', ...event }),
    };
    const author = hashHex(publicKeyOf(hub.privateKey));
    let existing: { id: Hash; target: Target } | undefined;
    for await (const id of hub.store.targets.ids()) {
      const target = (await hub.store.targets.get(id))!;
      if (target.name === dir.manifest.name && hashHex(target.author) === author) {
        existing = { id, target };
      }
    }
    if (existing && (await hub.store.entries.head(existing.id))) return existing.id;
    const { id, target } =
      existing ??
      (await publishTarget(dir, { verifiers: [publicKeyOf(hub.privateKey)], quorum: 1 }, submit));
    await claimBaseline(id, target, submit);
    await waitForGenesis(id, GENESIS_WAIT_MS, submit);
    return id;
  }

  /** One line per entry the hub's log grows by, however it arrived (its verifier, gossip, sync). */
  private reportEntries(hub: Peer, targetId: Hash): void {
    const reported = new Set<string>();
    const report = async (head: Hash) => {
      const hex = hashHex(head);
      const entry = await hub.store.entries.get(head);
      if (!entry || reported.has(hex)) return;
      reported.add(hex);
      const parent = entry.height > 0 ? await hub.store.entries.get(entry.prev) : undefined;
      this.modules.onEvent({
        source: 'hub',
        event: 'entry',
        height: entry.height,
        hash: hex,
        metric: entry.metric,
        ...(parent && { change: entry.metric - parent.metric }),
        author: peerIdOf(entry.candidate.author),
        description: entry.candidate.description,
      });
    };
    hub.events.subscribe((event) => {
      if (event.type === 'head' && event.target === hashHex(targetId)) {
        // A report cut short by the hub stopping is of no use to anyone.
        report(fromHex(event.head)).catch(() => {});
      }
    });
    void hub.store.entries.head(targetId).then((head) => head && report(head.head));
  }

  private async work(peer: Peer, n: number, target: Target, targetId: Hash): Promise<void> {
    const deadline = Date.now() + SYNC_WAIT_MS;
    while (!(await peer.store.entries.head(targetId))) {
      if (this.modules.signal.aborted || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    peer.gossip.followTarget(targetId);
    const worker = new Worker(
      target,
      targetId,
      { announceMargin: 0, gpus: [''] },
      {
        store: peer.store,
        runner: this.runner(peer),
        searcher: createSearcher('evolve'),
        key: peer.privateKey,
        announcer: peer.gossip,
        fetchTree: (hash) => peer.sync.fetchTreeWithFiles(hash),
        workspace: join(this.options.dataDir, `worker-${n}`, 'work', hashHex(targetId)),
        signal: this.modules.signal,
        random: seededRandom((Date.now() + n) >>> 0),
        onEvent: (event) => this.modules.onEvent({ source: 'worker', worker: n, ...event }),
      },
    );
    await worker.run();
  }

  private runner(peer: Peer): Runner {
    return new Runner({ allowUnsandboxed: this.options.unsafe }, { source: peer.store });
  }
}

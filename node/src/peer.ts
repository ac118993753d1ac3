// The composition root of a peer: identity, store, libp2p host, and the network components on
// top of them, started in order and stopped in reverse.
import './polyfill.ts';
import type { PrivateKey } from '@libp2p/interface';
import { ATTESTATION, decodeSigned } from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { Store } from '@nightshift/store';
import { type VerifierEvent, VerifierService } from '@nightshift/verifier';
import { writeApiToken } from './api/auth.ts';
import { removeApiFile, writeApiFile } from './api/discovery.ts';
import { type ApiAddress, ApiServer } from './api/server.ts';
import type { ApiSources, WorkerControl } from './api/sources.ts';
import { cliVersion } from './cli/version.ts';
import { NodeEventBus } from './events/node-events.ts';
import { publishAssembledEntry, wireNodeEvents } from './events/wire.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { Gossip, gossipsubOptions, type ScoringOptions } from './p2p/gossip/index.ts';
import { createHost, type Host } from './p2p/host.ts';
import { Sync } from './p2p/sync/index.ts';
import type { WorkerEvent } from './worker/events.ts';

export interface PeerOptions {
  dataDir: string;
  /** Multiaddrs to listen on. */
  listen: string[];
  /** Multiaddrs (with `/p2p/<peer id>`) to dial at start. */
  bootstrap: string[];
  mdns: boolean;
  /** Gossip peer scoring; a local swarm on 127.0.0.1 needs the IP-colocation penalty off. */
  scoring?: ScoringOptions;
  /**
   * Serve the HTTP API and the dashboard on this address; no API without it. With the API,
   * the peer writes a fresh token to `<dataDir>/api-token` and its URL to `<dataDir>/api.json`.
   */
  api?: ApiAddress;
  /** Verify the candidates of the targets that list this node's key (bubblewrap required). */
  verify?: {
    /** One verification at once per entry, on that CUDA_VISIBLE_DEVICES (default ['']). */
    gpus?: string[];
    onEvent?: (event: VerifierEvent) => void;
    /** Run candidates without bubblewrap when it is missing: only where every peer is local. */
    allowUnsandboxed?: boolean;
  };
}

/** A part of the peer with a lifecycle, started after the host exists and before it listens. */
export interface PeerComponent {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export class Peer {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly host: Host,
    readonly store: Store,
    readonly gossip: Gossip,
    readonly sync: Sync,
    private readonly components: PeerComponent[],
    /** The HTTP API, when the peer serves one. */
    readonly api: ApiServer | undefined,
    /** This node's identity key: what the worker signs its announcements with. */
    readonly privateKey: PrivateKey,
    /** Everything that happens here, as the API's event stream sends it. */
    readonly events: NodeEventBus,
    private readonly sources: ApiSources,
    private readonly dataDir: string,
  ) {}

  static async start(options: PeerOptions): Promise<Peer> {
    const identity = await loadOrCreateIdentity(options.dataDir);
    const store = await Store.open(options.dataDir);
    let host: Host | undefined;
    let peer: Peer;
    try {
      host = await createHost({
        privateKey: identity.privateKey,
        listen: options.listen,
        bootstrap: options.bootstrap,
        mdns: options.mdns,
        gossip: gossipsubOptions(options.scoring),
        start: false,
      });
      const sync = new Sync({}, { host, store });
      const gossip = new Gossip(
        {},
        // An entry on a parent we lack means that peer is ahead: range-sync with it. Calls
        // for a peer already syncing share one queued run, so a flood costs one sync.
        { host, store, onUnknownParent: (from) => void sync.syncWith(from) },
      );
      // A target that arrives by sync rather than gossip is followed all the same.
      sync.on('head', ({ target }) => gossip.followTarget(target));
      const events = new NodeEventBus();
      wireNodeEvents(events, { host, gossip, sync });
      const sources: ApiSources = {
        ...apiSources(host, store),
        events,
        // A submitted target takes the path of a gossiped one: validated, stored, published.
        submitTarget: (bytes) => gossip.publishTarget(bytes),
        ...(options.api && { token: await writeApiToken(options.dataDir) }),
      };
      const api = options.api && new ApiServer(options.api, sources);
      const verify = options.verify && {
        ...options.verify,
        onEvent: (event: VerifierEvent) => {
          events.publish({ type: 'verifier', ...event });
          if (event.event === 'entry') {
            // Only a store closing under it can fail this; the entry itself is stored.
            publishAssembledEntry(events, store, event).catch(() => {});
          }
          options.verify?.onEvent?.(event);
        },
      };
      const verifier =
        verify && (await verifierFor(verify, identity.privateKey, { store, gossip, sync }));
      const components: PeerComponent[] = [sync, gossip, ...(verifier ? [verifier] : [])];
      peer = new Peer(
        host,
        store,
        gossip,
        sync,
        components,
        api,
        identity.privateKey,
        events,
        sources,
        options.dataDir,
      );
      for (const component of peer.components) await component.start();
      await host.start();
    } catch (err) {
      await Promise.resolve(host?.stop()).catch(() => {});
      await store.close();
      throw err;
    }
    // Last, so that the API never answers for a peer that is not up.
    try {
      await peer.api?.start();
      const url = peer.api?.url;
      if (url) await writeApiFile(options.dataDir, { url, peerId: peer.peerId, pid: process.pid });
    } catch (err) {
      await peer.stop();
      throw err;
    }
    return peer;
  }

  get peerId(): string {
    return this.host.peerId.toString();
  }

  /** Plugs the local worker into the API: its state and journal, pause and resume. */
  attachWorker(worker: WorkerControl): void {
    this.sources.worker = worker;
  }

  /** Sends a worker's event to the event stream (pass it to the worker's `onEvent`). */
  publishWorkerEvent(event: WorkerEvent): void {
    this.events.publish({ type: 'worker', ...event });
  }

  /** The addresses other peers can dial, each ending in this peer's `/p2p/<id>`. */
  multiaddrs(): string[] {
    return this.host.getMultiaddrs().map((address) => address.toString());
  }

  /**
   * Stops in reverse order: the components (no new work), then the connections (aborted, not
   * drained: a peer reconnects and resyncs), then the listeners, and last the store, once the
   * writes in progress are done. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Event streams end first, so that closing the API does not wait on them.
      this.events.close();
      if (this.api) {
        await this.api.stop();
        await removeApiFile(this.dataDir);
      }
      for (const component of [...this.components].reverse()) await component.stop();
      for (const connection of this.host.getConnections()) {
        connection.abort(new Error('peer stopping'));
      }
      await this.host.stop();
      await this.store.close();
    })();
    return this.stopping;
  }
}

function apiSources(host: Host, store: Store) {
  return {
    peerId: host.peerId.toString(),
    version: cliVersion(),
    multiaddrs: () => host.getMultiaddrs().map((address) => address.toString()),
    connections: () =>
      host.getConnections().map((connection) => ({
        peerId: connection.remotePeer.toString(),
        address: connection.remoteAddr.toString(),
      })),
    store,
  };
}

/** How long a verifier waits for peers on a target's attestation topic before publishing. */
const ATTESTATION_MESH_WAIT_MS = 10_000;

/** The verifier role over this peer's store, gossip and sync (bubblewrap is required). */
async function verifierFor(
  options: NonNullable<PeerOptions['verify']>,
  key: PrivateKey,
  { store, gossip, sync }: { store: Store; gossip: Gossip; sync: Sync },
): Promise<VerifierService> {
  const runner = new Runner(
    { allowUnsandboxed: options.allowUnsandboxed === true },
    { source: store },
  );
  // A verifier never runs remote candidates outside the sandbox (unless told its peers are
  // all local, as in the demo): refuse to start without it.
  await runner.sandbox();
  const service = new VerifierService(
    { ...(options.gpus !== undefined && { gpus: options.gpus }) },
    {
      store,
      runner,
      key,
      network: {
        async publishAttestation(bytes) {
          // A verifier that just restarted may attest before its mesh forms; the quorum
          // needs this attestation to reach the others.
          const { target } = decodeSigned(ATTESTATION, bytes).value;
          await gossip.waitForSubscribers(target, 'attestations', ATTESTATION_MESH_WAIT_MS);
          return gossip.publishAttestation(bytes);
        },
        publishEntry: (bytes) => gossip.publishEntry(bytes),
        fetchTree: (hash) => sync.fetchTreeWithFiles(hash),
      },
      ...(options.onEvent && { onEvent: options.onEvent }),
    },
  );
  gossip.events.on('candidate', ({ id, candidate, receivedAt }) => {
    void service.candidate({ id, candidate, receivedAt });
  });
  gossip.events.on('commitment', ({ commitment }) => void service.commitment(commitment));
  gossip.events.on('attestation', ({ attestation }) => void service.attestation(attestation));
  const moved = ({ target, head }: { target: Uint8Array; head: { head: Uint8Array } }) =>
    void service.headMoved(target, head.head);
  gossip.events.on('head', moved);
  sync.on('head', moved);
  return service;
}

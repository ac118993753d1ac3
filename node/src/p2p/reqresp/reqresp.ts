/**
 * Request/response over libp2p streams (PROTOCOL.md, "Network messages"). Lodestar's shape:
 * one component, `new ReqResp(options, { host, store })`; `start()` registers the handlers
 * (Responder), `stop()` removes them and resets every stream being answered; the requests
 * (Requester) are its methods. It also keeps the peers' penalty points: a peer at the
 * threshold is banned (its streams refused) and disconnected.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import type { PeerId } from '@libp2p/interface';
import type { ByteRange, FetchKind, Hash, RangeRequest, Status } from '@nightshift/protocol';
import type { ReqRespHost, RequestOptions } from './client.ts';
import {
  DEFAULT_REQRESP_OPTIONS,
  PROTOCOLS,
  type ProtocolName,
  type ReqRespOptions,
} from './constants.ts';
import type { ServedStore } from './handlers/request.ts';
import { localStatus } from './handlers/status.ts';
import { PeerPenalties } from './penalties.ts';
import { type BlobItem, Requester } from './requester.ts';
import { type RequestEvent, Responder } from './responder.ts';

export interface ReqRespEvents {
  /** A peer sent us its Status (it asked for ours). */
  status: [{ peer: string; status: Status }];
  /** A request was answered or refused: for metrics and tests. */
  request: [RequestEvent];
  /** A peer reached the penalty threshold: it is disconnected and refused for a while. */
  'peer:banned': [{ peer: string; reason: string }];
}

export interface ReqRespModules {
  host: ReqRespHost;
  store: ServedStore;
  now?: () => number;
}

export class ReqResp extends EventEmitter<ReqRespEvents> {
  readonly options: ReqRespOptions;
  readonly penalties: PeerPenalties;
  private readonly host: ReqRespHost;
  private readonly store: ServedStore;
  private readonly now: () => number;
  private readonly requester: Requester;
  private responder: Responder | undefined;
  private controller = new AbortController();

  constructor(options: Partial<ReqRespOptions>, modules: ReqRespModules) {
    super();
    this.options = { ...DEFAULT_REQRESP_OPTIONS, ...options };
    this.host = modules.host;
    this.store = modules.store;
    this.now = modules.now ?? Date.now;
    this.penalties = new PeerPenalties(
      { threshold: this.options.banThreshold, banMs: this.options.banMs },
      this.now,
    );
    this.requester = new Requester(this.host, this.options);
  }

  async start(): Promise<void> {
    if (this.responder) return;
    this.controller = new AbortController();
    // Every stream being answered listens to it.
    setMaxListeners(Number.POSITIVE_INFINITY, this.controller.signal);
    const responder = new Responder(
      this.options,
      {
        store: this.store,
        now: this.now,
        onStatus: (peer, status) => this.emit('status', { peer, status }),
        onRequest: (event) => this.emit('request', event),
        penalize: (peer, points, reason) => this.penalize(peer, points, reason),
        isBanned: (peer) => this.isBanned(peer),
      },
      this.controller.signal,
    );
    this.responder = responder;
    for (const name of Object.keys(PROTOCOLS) as ProtocolName[]) {
      await this.host.handle(
        PROTOCOLS[name].id,
        (stream, connection) => responder.serve(name, stream, connection),
        // libp2p's own cap per connection; ours (per peer) answers the excess with an error.
        { maxInboundStreams: this.options.maxConcurrentPerPeer * 4 },
      );
    }
  }

  async stop(): Promise<void> {
    const { responder } = this;
    if (!responder) return;
    this.responder = undefined;
    await this.host.unhandle(Object.values(PROTOCOLS).map((p) => p.id));
    this.controller.abort();
    responder.abortAll();
  }

  /** Adds penalty points to a peer for a fault it committed; bans it at the threshold. */
  penalize(peer: PeerId, points: number, reason: string): void {
    const id = peer.toString();
    if (!this.penalties.penalize(id, points)) return;
    this.emit('peer:banned', { peer: id, reason });
    this.host.hangUp(peer).catch(() => {
      // Already gone.
    });
  }

  isBanned(peer: PeerId | string): boolean {
    return this.penalties.isBanned(peer.toString());
  }

  /** Our Status, as the status handler sends it. */
  localStatus(): Promise<Status> {
    return localStatus(this.store);
  }

  /** The status handshake: sends our Status, returns the peer's. */
  async status(peer: PeerId, options: RequestOptions = {}): Promise<Status> {
    return this.requester.status(peer, await this.localStatus(), options);
  }

  /** The peer's canonical entries from `request.from`: raw bytes, at most `request.count`. */
  entries(peer: PeerId, request: RangeRequest, options?: RequestOptions) {
    return this.requester.entries(peer, request, options);
  }

  /** Targets, trees or entries by hash, in the order asked; undefined where the peer lacks one. */
  fetchObjects(
    peer: PeerId,
    kind: Exclude<FetchKind, 'blob'>,
    hashes: Hash[],
    options?: RequestOptions,
  ): Promise<(Uint8Array | undefined)[]> {
    return this.requester.fetchObjects(peer, kind, hashes, options);
  }

  /** Blobs by hash (or one blob's byte range), one item per hash; read each before the next. */
  fetchBlobs(
    peer: PeerId,
    hashes: Hash[],
    options?: RequestOptions & { range?: ByteRange },
  ): AsyncGenerator<BlobItem> {
    return this.requester.fetchBlobs(peer, hashes, options);
  }
}

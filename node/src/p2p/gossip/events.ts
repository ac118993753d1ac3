/**
 * What the gossip layer tells later layers (dashboard, worker, verifier) when it stores
 * something new, whether it came from a peer or was published here. A tiny typed emitter: a
 * listener that throws is logged and does not stop the others or the gossip layer.
 */
import type { PeerId } from '@libp2p/interface';
import type {
  Attestation,
  Candidate,
  Commitment,
  Hash,
  Head,
  LogEntry,
  Target,
} from '@nightshift/protocol';
import type { GossipLogger } from './verdict.ts';

/** Who sent it: the peer it arrived from, or undefined when this node published it. */
interface Origin {
  from: PeerId | undefined;
}

export interface GossipEvents {
  /** A new target was stored; its topics are followed from now on. */
  target: Origin & { id: Hash; target: Target };
  commitment: Origin & { id: Hash; commitment: Commitment; receivedAt: number };
  candidate: Origin & { id: Hash; candidate: Candidate; receivedAt: number };
  attestation: Origin & { id: Hash; attestation: Attestation };
  /** A new entry was stored (it may or may not have become the head). */
  entry: Origin & { hash: Hash; entry: LogEntry; headChanged: boolean };
  /** A target's canonical head moved; `reorg` when the new head does not extend the old. */
  head: Origin & { target: Hash; head: Head; reorg?: { oldHead: Hash; forkHeight: number } };
}

export type GossipEventName = keyof GossipEvents;
type Listener<K extends GossipEventName> = (detail: GossipEvents[K]) => void;

export class GossipEmitter {
  private readonly listeners = new Map<GossipEventName, Set<Listener<never>>>();

  constructor(private readonly logger: GossipLogger) {}

  /** Calls `listener` on every `type` event; returns a function that removes it. */
  on<K extends GossipEventName>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends GossipEventName>(type: K, detail: GossipEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as Listener<K>)(detail);
      } catch (err) {
        this.logger.warn(`gossip: a '${type}' listener threw`, err);
      }
    }
  }
}

/**
 * Everything that happens on a peer, as one stream of small JSON events: what the dashboard
 * and `GET /api/v1/events` follow. Hashes and keys are lower-case hex, so an event can be sent
 * as it is. The gossip layer, sync, the verifier and the worker each say what happened in
 * their own words; wire.ts turns those into these.
 */
import type { VerifierEvent } from '@nightshift/verifier';
import type { WorkerEvent } from '../worker/events.ts';

export type NodeEvent =
  | { type: 'target'; target: string; name: string }
  /** An entry was stored, from gossip or sync; `headChanged` when it became the head. */
  | {
      type: 'entry';
      target: string;
      hash: string;
      height: number;
      metric: number;
      headChanged: boolean;
    }
  | {
      type: 'head';
      target: string;
      head: string;
      height: number;
      metric: number;
      reorg?: { oldHead: string; forkHeight: number };
    }
  | { type: 'commitment'; target: string; id: string }
  | {
      type: 'candidate';
      target: string;
      id: string;
      author: string;
      claim: number;
      description: string;
    }
  | {
      type: 'attestation';
      target: string;
      id: string;
      candidate: string;
      verifier: string;
      verdict: 'accept' | 'reject';
      reason: string;
      metric?: number;
    }
  | ({ type: 'verifier' } & VerifierEvent)
  | ({ type: 'worker' } & WorkerEvent)
  | { type: 'peer:connect'; peerId: string }
  | { type: 'peer:disconnect'; peerId: string };

export type NodeEventType = NodeEvent['type'];

/** An event as delivered: numbered in order of publication, with the local time. */
export type DeliveredEvent = NodeEvent & { seq: number; at: number };

export interface NodeEventSource {
  /** Calls `listener` on every event from now on; returns a function that removes it. */
  subscribe(listener: (event: DeliveredEvent) => void): () => void;
  /** Calls `listener` once when the source closes (the node stops); at once if it has. */
  onClose(listener: () => void): () => void;
}

export class NodeEventBus implements NodeEventSource {
  private readonly listeners = new Set<(event: DeliveredEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private seq = 0;
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  publish(event: NodeEvent): void {
    if (this.closed) return;
    const delivered = { ...event, seq: ++this.seq, at: this.now() } as DeliveredEvent;
    for (const listener of this.listeners) {
      // One listener that throws (a broken stream) must not keep the event from the others.
      try {
        listener(delivered);
      } catch {}
    }
  }

  subscribe(listener: (event: DeliveredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Ends every subscription: streams following the bus end cleanly. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const listener of this.closeListeners) {
      try {
        listener();
      } catch {}
    }
    this.closeListeners.clear();
  }
}

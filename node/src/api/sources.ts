// What the API reads and acts on, declared here so it can be built over a real peer or a
// test's parts. Only the node's identity and store are required; the rest is optional, and
// the routes that need a missing part answer a coded error.
import type { Hash } from '@nightshift/protocol';
import type { JournalRecord, Store } from '@nightshift/store';
import type { NodeEventSource } from '../events/node-events.ts';

export interface ConnectedPeer {
  peerId: string;
  address: string;
}

/** What the local worker shows of itself; written by whatever runs it (`nightshift work`). */
export interface WorkerState {
  /** The target it searches (id hex) and its name. */
  target: string;
  name: string;
  status: 'waiting' | 'running' | 'paused' | 'stopped';
  experiments: number;
  /** The local best metric, once it has one. */
  best?: number;
}

/** The local worker as the API reaches it: pause and resume between experiments. */
export interface WorkerControl {
  state(): WorkerState;
  pause(): Promise<void> | void;
  resume(): Promise<void> | void;
  /** Its journal of experiments, oldest first. */
  journal(): Promise<JournalRecord[]>;
}

export interface PublishedTarget {
  id: Hash;
  /** False when this node already had it (it is published again all the same). */
  stored: boolean;
  /** How many peers it was sent to. */
  recipients: number;
}

export interface ApiSources {
  peerId: string;
  version: string;
  /** The addresses other peers can dial. */
  multiaddrs(): string[];
  connections(): ConnectedPeer[];
  store: Pick<
    Store,
    'entries' | 'targets' | 'trees' | 'blobs' | 'candidates' | 'attestations' | 'reputation'
  >;
  /** Everything that happens, for `GET /api/v1/events`. */
  events?: NodeEventSource;
  /** The bearer token that writes need; without one, every write is refused. */
  token?: string;
  /** The local worker, when this node runs one (it may be plugged in after start). */
  worker?: WorkerControl;
  /**
   * Validates and stores signed Target bytes as a gossiped target would be, then publishes
   * them; throws the ProtocolError that refuses them.
   */
  submitTarget?(bytes: Uint8Array): Promise<PublishedTarget>;
}

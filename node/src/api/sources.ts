// What the API reads, declared here so it can be built over a real peer or a test's parts.
import type { Store } from '@nightshift/store';

export interface ConnectedPeer {
  peerId: string;
  address: string;
}

export interface ApiSources {
  peerId: string;
  version: string;
  /** The addresses other peers can dial. */
  multiaddrs(): string[];
  connections(): ConnectedPeer[];
  store: Pick<Store, 'entries' | 'targets'>;
}

// The libp2p host of a peer: TCP with Noise and Yamux, identify and ping, gossipsub for
// announcements, bootstrap addresses and mDNS for discovery (../shared/DESIGN.md, "Network").
import '../polyfill.ts';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { bootstrap } from '@libp2p/bootstrap';
import { type GossipSub, type GossipsubOpts, gossipsub } from '@libp2p/gossipsub';
import type { Identify } from '@libp2p/identify';
import { identify } from '@libp2p/identify';
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { type Ping, ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { sha256 } from '@noble/hashes/sha2.js';
import { createLibp2p } from 'libp2p';
import { keepBootstrapPeers } from './bootstrap-keeper.ts';

export interface HostOptions {
  privateKey: PrivateKey;
  /** Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/4001`. */
  listen: string[];
  /** Multiaddrs with a `/p2p/<peer id>` part, dialled at start. */
  bootstrap: string[];
  /** Discover peers on the local network (off in tests: every test node would find all). */
  mdns: boolean;
  /** Gossipsub settings (scoring) from the gossip layer. */
  gossip?: Partial<GossipsubOpts>;
  /** A cap on open connections. */
  maxConnections?: number;
  /** How often bootstrap peers without a connection are dialled again (bootstrap-keeper.ts). */
  bootstrapRedialMs?: number;
  /** Start listening at once (the default); a composition root that registers protocol
   *  handlers first passes false and calls `host.start()` itself. */
  start?: boolean;
}

export interface HostServices extends Record<string, unknown> {
  identify: Identify;
  ping: Ping;
  pubsub: GossipSub;
}

export type Host = Libp2p<HostServices>;

export async function createHost(options: HostOptions): Promise<Host> {
  const peerDiscovery = [
    ...(options.bootstrap.length > 0 ? [bootstrap({ list: options.bootstrap, timeout: 10 })] : []),
    ...(options.mdns ? [mdns()] : []),
  ];
  const host = await createLibp2p({
    start: options.start ?? true,
    privateKey: options.privateKey,
    addresses: { listen: options.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: { maxConnections: options.maxConnections ?? 100 },
    // libp2p pings each connection and aborts it when a ping is late. A node busy validating a
    // gossip flood answers late while its link is fine; a dead link shows as a closed socket
    // anyway. So a ping may take far longer than libp2p's default before the link is dropped.
    connectionMonitor: { pingTimeout: { minTimeout: 20_000, maxTimeout: 60_000 } },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // Every gossiped object is signed by its author inside; a gossipsub signature would
        // only add a second, slower check of the forwarding peer.
        globalSignaturePolicy: 'StrictNoSign',
        // A message's id is its content hash, so the same object is one message however
        // many peers forward it.
        msgIdFn: (message) => sha256(message.data),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        ...options.gossip,
      }),
    },
  });
  keepBootstrapPeers(host, options.bootstrap, options.bootstrapRedialMs);
  // mDNS only announces peers; dial them so the swarm forms by itself on a local network.
  host.addEventListener('peer:discovery', (event) => {
    if (host.getConnections(event.detail.id).length > 0) return;
    host.dial(event.detail.id).catch(() => {
      // Unreachable peers are common on a LAN; discovery will offer them again.
    });
  });
  return host;
}

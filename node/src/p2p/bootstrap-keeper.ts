/**
 * Keeps a peer connected to its `--bootstrap` peers. libp2p's bootstrap discovery dials them
 * once, at start; a link dropped later (a ping that timed out under load, a restart of the
 * other side) would stay down, and a worker would no longer hear its swarm. So the bootstrap
 * peers are tagged keep-alive (libp2p redials those at once, a few times, with backoff), and
 * every `intervalMs` any bootstrap peer without a connection is dialled again: after a long
 * outage libp2p gives up and drops the tag, this does not.
 */
import { KEEP_ALIVE } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { Libp2p } from 'libp2p';

export const BOOTSTRAP_REDIAL_MS = 30_000;

export function keepBootstrapPeers(
  host: Libp2p,
  addresses: string[],
  intervalMs = BOOTSTRAP_REDIAL_MS,
): void {
  if (addresses.length === 0) return;
  const peers = addresses.map((address) => {
    const ma = multiaddr(address);
    // The CLI accepts only addresses that end in /p2p/<peer id>.
    const p2p = ma.getComponents().findLast((c) => c.name === 'p2p');
    return { ma, id: peerIdFromString(p2p!.value!) };
  });
  const tag = () =>
    Promise.all(
      peers.map(({ ma, id }) =>
        host.peerStore.merge(id, { multiaddrs: [ma], tags: { [KEEP_ALIVE]: { value: 1 } } }),
      ),
    );
  const redial = () => {
    for (const { ma, id } of peers) {
      if (host.getConnections(id).length > 0) continue;
      host.dial(ma).catch(() => {
        // Down for now: the next round tries again.
      });
    }
    void tag().catch(() => {});
  };
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    void tag().catch(() => {});
    timer = setInterval(redial, intervalMs);
    timer.unref();
  };
  host.addEventListener('start', start);
  host.addEventListener('stop', () => clearInterval(timer));
  // createLibp2p may have started the host already, before this could listen.
  if (host.status === 'started') start();
}

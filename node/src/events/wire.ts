/**
 * Feeds a peer's event bus from its parts: the libp2p host (connections), gossip (what was
 * stored) and sync (heads learned by range sync). The verifier and the worker publish
 * their own events (Peer wraps their `onEvent`).
 */
import { fromHex, hashHex } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { Gossip } from '../p2p/gossip/index.ts';
import type { Host } from '../p2p/host.ts';
import type { Sync } from '../p2p/sync/index.ts';
import type { NodeEventBus } from './node-events.ts';

export function wireNodeEvents(
  bus: NodeEventBus,
  { host, gossip, sync }: { host: Host; gossip: Gossip; sync: Sync },
): void {
  host.addEventListener('peer:connect', (event) =>
    bus.publish({ type: 'peer:connect', peerId: event.detail.toString() }),
  );
  host.addEventListener('peer:disconnect', (event) =>
    bus.publish({ type: 'peer:disconnect', peerId: event.detail.toString() }),
  );
  gossip.events.on('target', ({ id, target }) =>
    bus.publish({ type: 'target', target: hashHex(id), name: target.name }),
  );
  gossip.events.on('commitment', ({ id, commitment }) =>
    bus.publish({ type: 'commitment', target: hashHex(commitment.target), id: hashHex(id) }),
  );
  gossip.events.on('candidate', ({ id, candidate }) =>
    bus.publish({
      type: 'candidate',
      target: hashHex(candidate.target),
      id: hashHex(id),
      author: hashHex(candidate.author),
      claim: candidate.claim,
      description: candidate.description,
    }),
  );
  gossip.events.on('attestation', ({ id, attestation: a }) =>
    bus.publish({
      type: 'attestation',
      target: hashHex(a.target),
      id: hashHex(id),
      candidate: hashHex(a.candidate),
      verifier: hashHex(a.verifier),
      verdict: a.verdict,
      reason: a.reason,
      ...(a.metric !== undefined && { metric: a.metric }),
    }),
  );
  gossip.events.on('entry', ({ hash, entry, headChanged }) =>
    bus.publish({
      type: 'entry',
      target: hashHex(entry.target),
      hash: hashHex(hash),
      height: entry.height,
      metric: entry.metric,
      headChanged,
    }),
  );
  const head = ({
    target,
    head,
    reorg,
  }: {
    target: Uint8Array;
    head: { head: Uint8Array; height: number; metric: number };
    reorg?: { oldHead: Uint8Array; forkHeight: number };
  }) =>
    bus.publish({
      type: 'head',
      target: hashHex(target),
      head: hashHex(head.head),
      height: head.height,
      metric: head.metric,
      ...(reorg && { reorg: { oldHead: hashHex(reorg.oldHead), forkHeight: reorg.forkHeight } }),
    });
  gossip.events.on('head', head);
  sync.on('head', head);
}

/**
 * An entry this node's verifier assembled is stored directly, not through gossip (whose own
 * publish then finds it stored): tell the bus as gossip would have, with the head it moved.
 */
export async function publishAssembledEntry(
  bus: NodeEventBus,
  store: Pick<Store, 'entries'>,
  assembled: { target: string; entry: string; height: number; metric: number },
): Promise<void> {
  const head = await store.entries.head(fromHex(assembled.target));
  const headChanged = head !== undefined && hashHex(head.head) === assembled.entry;
  const { target, entry: hash, height, metric } = assembled;
  bus.publish({ type: 'entry', target, hash, height, metric, headChanged });
  if (headChanged) bus.publish({ type: 'head', target, head: hash, height, metric });
}

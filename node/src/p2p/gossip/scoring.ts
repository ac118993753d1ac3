/**
 * Peer scoring (issue 3, "Gossip"): a peer that keeps sending provably invalid messages
 * (REJECTs, counted by gossipsub as P4 "invalid message deliveries") falls below the graylist
 * threshold within a few messages, and every RPC from it is then dropped unread; an honest
 * peer, which only forwards what it validated, never collects P4 and keeps its mesh. IGNOREs
 * cost nothing. The parameters and thresholds are gossipsub v1.1's (P1–P7, see
 * @libp2p/gossipsub/score); the choices:
 *
 * - P4 invalid messages: weight −20 per topic, squared: one invalid message costs 20 (below
 *   the gossip threshold), two 80, three 180 (graylisted at −80, whatever the peer earned, as
 *   positive scores are capped at 10). The counter decays to 1% in an hour: a graylisted
 *   peer stays graylisted for minutes, and is remembered an hour after it disconnects.
 * - P1 time in mesh and P2 first deliveries reward honest peers a little (up to the cap of
 *   10), so they rank above fresh peers when the mesh is pruned.
 * - P3/P3b mesh delivery rates are off: nightshift's topics are quiet (an entry every few
 *   minutes at most), so a delivery-rate quota would punish honest peers for silence.
 * - P6 IP colocation: gossipsub's default (−5 per peer beyond 10 on one IP) in production;
 *   0 where every peer shares an address (tests and demos on 127.0.0.1).
 * - P7 behaviour (broken IWANT promises, GRAFT during backoff): a few strikes are forgiven.
 *
 * Topics appear as targets do: `scoreTopic` adds a topic's parameters when it is subscribed.
 */
import type { GossipSub, GossipsubOpts } from '@libp2p/gossipsub';
import {
  createPeerScoreParams,
  createTopicScoreParams,
  type PeerScoreParams,
  type PeerScoreThresholds,
  type TopicScoreParams,
} from '@libp2p/gossipsub/score';
import { MAX_RPC_BYTES, TARGETS_TOPIC } from './topics.ts';

export interface ScoringOptions {
  /**
   * P6 weight: the penalty, per extra peer squared, for more than `ipColocationFactorThreshold`
   * peers behind one IP address (sybils on one machine). Default −5 (gossipsub's); pass 0 when
   * all peers share an address, as on loopback, or they would all be punished.
   */
  ipColocationFactorWeight?: number;
  /** How many peers one IP address may hold before P6 applies. Default 10. */
  ipColocationFactorThreshold?: number;
}

export const DEFAULT_SCORING: Required<ScoringOptions> = {
  ipColocationFactorWeight: -5,
  ipColocationFactorThreshold: 10,
};

/** For swarms on one machine (tests, benchmarks, `nightshift demo`). */
export const LOOPBACK_SCORING: ScoringOptions = { ipColocationFactorWeight: 0 };

export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  /** Below this, no IHAVE/IWANT gossip goes to or is taken from the peer. */
  gossipThreshold: -10,
  /** Below this, our own messages are not flood-published to the peer. */
  publishThreshold: -50,
  /** Below this, every RPC from the peer is ignored. */
  graylistThreshold: -80,
  /** Peer exchange is off (`doPX: false`); no peer is trusted with it. */
  acceptPXThreshold: 100,
  /** When the mesh's median score falls below this, better peers are grafted in. */
  opportunisticGraftThreshold: 5,
};

/** Score counters decay once per this interval (gossipsub's minimum). */
const DECAY_INTERVAL_MS = 1000;

/** The per-interval factor that leaves 1% of a counter after `ms`. */
function decayTo1PercentIn(ms: number): number {
  return 0.01 ** (DECAY_INTERVAL_MS / ms);
}

/** The same parameters for every topic: each carries one kind of small signed object. */
export function topicScoreParams(): TopicScoreParams {
  return createTopicScoreParams({
    topicWeight: 1,
    // P1: +0.1 per second in the mesh, up to +10.
    timeInMeshWeight: 0.1,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 100,
    // P2: +1 per message first delivered by the peer, up to +10, fading over an hour.
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: decayTo1PercentIn(3_600_000),
    firstMessageDeliveriesCap: 10,
    // P3, P3b: off (quiet topics).
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    // P4: −20 × (invalid messages)², fading to 1% in an hour.
    invalidMessageDeliveriesWeight: -20,
    invalidMessageDeliveriesDecay: decayTo1PercentIn(3_600_000),
  });
}

export function peerScoreParams(options: ScoringOptions = {}): PeerScoreParams {
  const { ipColocationFactorWeight, ipColocationFactorThreshold } = {
    ...DEFAULT_SCORING,
    ...options,
  };
  return createPeerScoreParams({
    topics: { [TARGETS_TOPIC]: topicScoreParams() },
    // Good behaviour cannot bank more than this against later invalid messages.
    topicScoreCap: 10,
    IPColocationFactorWeight: ipColocationFactorWeight,
    IPColocationFactorThreshold: ipColocationFactorThreshold,
    // P7: two strikes are free; the counter fades by 10% a second.
    behaviourPenaltyWeight: -10,
    behaviourPenaltyThreshold: 2,
    behaviourPenaltyDecay: 0.9,
    decayInterval: DECAY_INTERVAL_MS,
    decayToZero: 0.01,
    // A peer that disconnects with a negative score keeps it this long.
    retainScore: 3_600_000,
  });
}

/** The gossipsub settings the gossip layer needs: pass them to `createHost({ gossip })`. */
export function gossipsubOptions(options: ScoringOptions = {}): Partial<GossipsubOpts> {
  return {
    scoreParams: peerScoreParams(options),
    scoreThresholds: SCORE_THRESHOLDS,
    maxInboundDataLength: MAX_RPC_BYTES,
  };
}

/**
 * Gossipsub's score accessors, present at runtime but not on its exported type (FACTS.md).
 * Kept here, in one place, so a change in gossipsub breaks one file.
 */
interface GossipSubScoring {
  score: { params: PeerScoreParams };
  getScore(peerId: string): number;
  getMeshPeers(topic: string): string[];
  dumpPeerScoreStats(): Record<
    string,
    { topics: Record<string, { invalidMessageDeliveries: number; inMesh: boolean }> }
  >;
}

function scoring(pubsub: GossipSub): GossipSubScoring {
  const internals = pubsub as unknown as Partial<GossipSubScoring>;
  if (typeof internals.getScore !== 'function' || internals.score?.params?.topics === undefined) {
    throw new TypeError('this gossipsub version does not expose peer scores');
  }
  return internals as GossipSubScoring;
}

/** Scores messages on `topic` from now on (topics appear as targets are followed). */
export function scoreTopic(pubsub: GossipSub, topic: string): void {
  const { topics } = scoring(pubsub).score.params;
  topics[topic] ??= topicScoreParams();
}

/** A peer's current score as this node's gossipsub sees it (0 for an unknown peer). */
export function peerScore(pubsub: GossipSub, peerId: string): number {
  return scoring(pubsub).getScore(peerId);
}

/** The peers in this node's mesh for `topic`. */
export function meshPeers(pubsub: GossipSub, topic: string): string[] {
  return scoring(pubsub).getMeshPeers(topic);
}

/** How many invalid messages on `topic` this node holds against a peer (decaying). */
export function invalidDeliveries(pubsub: GossipSub, peerId: string, topic: string): number {
  return scoring(pubsub).dumpPeerScoreStats()[peerId]?.topics[topic]?.invalidMessageDeliveries ?? 0;
}

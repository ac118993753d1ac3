/**
 * Gossip topics (issue 3, "Gossip"). One topic announces new targets; every target has four
 * topics of its own, named by its id in hex:
 *
 *   /nightshift/1/targets                      Target
 *   /nightshift/1/<target id hex>/commitments  Commitment
 *   /nightshift/1/<target id hex>/candidates   Candidate
 *   /nightshift/1/<target id hex>/attestations Attestation
 *   /nightshift/1/<target id hex>/entries      LogEntry
 *
 * The `1` is the wire version (PROTOCOL.md §1.3): a new wire version gets new topics, so old
 * and new peers never feed each other bytes they cannot decode. Each message is one object's
 * canonical encoding, bounded by its kind's size limit (PROTOCOL.md §2.2).
 */
import { fromHex, HASH_LENGTH, type Hash, hashHex, LIMITS } from '@nightshift/protocol';

export const TOPIC_PREFIX = '/nightshift/1';

/** What a topic carries. */
export type TopicKind = 'targets' | 'commitments' | 'candidates' | 'attestations' | 'entries';

/** The kinds every target has a topic for, in the order they are subscribed. */
export const TARGET_TOPIC_KINDS = ['commitments', 'candidates', 'attestations', 'entries'] as const;
export type TargetTopicKind = (typeof TARGET_TOPIC_KINDS)[number];

/** The largest message each topic accepts: its object kind's max encoded size. */
export const MAX_MESSAGE_BYTES: Readonly<Record<TopicKind, number>> = {
  targets: LIMITS.targetBytes,
  commitments: LIMITS.commitmentBytes,
  candidates: LIMITS.candidateBytes,
  attestations: LIMITS.attestationBytes,
  entries: LIMITS.entryBytes,
};

/**
 * The largest gossipsub RPC frame read from a peer (gossipsub's `maxInboundDataLength`): one
 * frame may carry several messages (an IWANT reply) and control records, so it is twice the
 * largest message, well under the 4 MiB default. A bigger frame closes the peer's stream
 * before anything in it is decoded.
 */
export const MAX_RPC_BYTES = 2 * Math.max(...Object.values(MAX_MESSAGE_BYTES));

export const TARGETS_TOPIC = `${TOPIC_PREFIX}/targets`;

export function targetTopic(targetId: Hash, kind: TargetTopicKind): string {
  return `${TOPIC_PREFIX}/${hashHex(targetId)}/${kind}`;
}

/** The four topics of a target, in TARGET_TOPIC_KINDS order. */
export function topicsOfTarget(targetId: Hash): string[] {
  return TARGET_TOPIC_KINDS.map((kind) => targetTopic(targetId, kind));
}

export type ParsedTopic = { kind: 'targets' } | { kind: TargetTopicKind; targetId: Hash };

const TARGET_TOPIC = new RegExp(
  `^${TOPIC_PREFIX}/([0-9a-f]{${2 * HASH_LENGTH}})/(${TARGET_TOPIC_KINDS.join('|')})$`,
);

/** What a topic name carries, or undefined for a name that is not a nightshift topic. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  if (topic === TARGETS_TOPIC) return { kind: 'targets' };
  const match = TARGET_TOPIC.exec(topic);
  if (!match) return undefined;
  return { kind: match[2] as TargetTopicKind, targetId: fromHex(match[1]!) };
}

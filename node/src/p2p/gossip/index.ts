/** The gossip layer of a peer: topics, validation, verdicts, scoring (issue 3, "Gossip"). */
export { GOSSIP_ERROR_CODES, GossipError, type GossipErrorCode, isGossipError } from './errors.ts';
export { GossipEmitter, type GossipEventName, type GossipEvents } from './events.ts';
export {
  Gossip,
  type GossipModules,
  type GossipOptions,
  type PublishResult,
} from './gossip.ts';
export { GossipMetrics, type GossipMetricsSnapshot, type VerdictName } from './metrics.ts';
export {
  DEFAULT_SCORING,
  gossipsubOptions,
  invalidDeliveries,
  LOOPBACK_SCORING,
  meshPeers,
  peerScore,
  peerScoreParams,
  SCORE_THRESHOLDS,
  type ScoringOptions,
  scoreTopic,
  topicScoreParams,
} from './scoring.ts';
export {
  MAX_MESSAGE_BYTES,
  MAX_RPC_BYTES,
  type ParsedTopic,
  parseTopic,
  TARGET_TOPIC_KINDS,
  TARGETS_TOPIC,
  type TargetTopicKind,
  TOPIC_PREFIX,
  type TopicKind,
  targetTopic,
  topicsOfTarget,
} from './topics.ts';
export { type GossipLogger, toVerdict, type VerdictContext } from './verdict.ts';

/**
 * The one place where the outcome of validating a gossiped message becomes gossipsub's
 * verdict (DESIGN.md, "Network"; PROTOCOL.md §8), with a count per code:
 *
 * | outcome                                     | verdict         | code counted        |
 * | ------------------------------------------- | --------------- | ------------------- |
 * | none: the object was valid and is stored    | ACCEPT          | `accept`            |
 * | ProtocolError or GossipError, action reject | REJECT          | its code            |
 * | ProtocolError or GossipError, action ignore | IGNORE          | its code            |
 * | StoreError (our own store failed)           | IGNORE          | `store_<its code>`  |
 * | anything else (a bug here)                  | IGNORE, logged  | `internal_error`    |
 *
 * REJECT is for what is provably invalid (bad encoding, bad signature, impossible claim): the
 * sender's score drops. IGNORE is for what is stale, a duplicate, not yet checkable, or our
 * own fault: dropped and not forwarded, and the sender is not penalised.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub';
import { isProtocolError } from '@nightshift/protocol';
import { isStoreError } from '@nightshift/store';
import { isGossipError } from './errors.ts';
import type { GossipMetrics, VerdictName } from './metrics.ts';
import type { TopicKind } from './topics.ts';

export interface GossipLogger {
  warn(message: string, error?: unknown): void;
}

export interface VerdictContext {
  metrics: GossipMetrics;
  logger: GossipLogger;
  /** The kind of topic the message came on, for the per-topic counts. */
  topic?: TopicKind;
}

export function toVerdict(outcome: unknown, context: VerdictContext): TopicValidatorResult {
  let verdict: VerdictName;
  let code: string;
  if (outcome === undefined) {
    verdict = 'accept';
    code = 'accept';
  } else if (isProtocolError(outcome) || isGossipError(outcome)) {
    verdict = outcome.action;
    code = outcome.code;
  } else if (isStoreError(outcome)) {
    verdict = 'ignore';
    code = `store_${outcome.code}`;
  } else {
    verdict = 'ignore';
    code = 'internal_error';
    context.logger.warn(`gossip: unexpected error validating a ${context.topic} message`, outcome);
  }
  context.metrics.count(verdict, code, context.topic);
  return RESULTS[verdict];
}

const RESULTS: Record<VerdictName, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

/** What every gossip validator is given, and the check they all start with. */
import { type Hash, ProtocolError } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { MAX_MESSAGE_BYTES, type TopicKind } from '../topics.ts';

export interface ValidationModules {
  store: Store;
  /** The local clock in ms: for "signed in the future" and for receipt times. */
  now: () => number;
}

/** A message on one of a target's topics. */
export interface TargetMessage {
  data: Uint8Array;
  /** The target whose topic the message came on. */
  topicTarget: Hash;
}

/**
 * [REJECT] The message is no larger than its topic's object kind allows (PROTOCOL.md §2.2,
 * §2.7 step 1), checked before a single byte is decoded.
 */
export function checkSize(kind: TopicKind, data: Uint8Array): void {
  const max = MAX_MESSAGE_BYTES[kind];
  if (data.length > max) {
    throw new ProtocolError('decode_too_large', `${data.length} bytes on ${kind}, max ${max}`);
  }
}

/** [IGNORE] The object is already stored: nothing new to store or forward. */
export function duplicate(what: string): ProtocolError {
  return new ProtocolError('duplicate', what);
}

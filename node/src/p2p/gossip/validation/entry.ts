/** Validation of a gossiped LogEntry (topic `…/<target>/entries`; PROTOCOL.md §6.6). */
import {
  decodeEntry,
  entryHashOfBytes,
  equalBytes,
  type Hash,
  type LogEntry,
  validateEntry,
  ZERO_HASH,
} from '@nightshift/protocol';
import type { AddEntryResult } from '@nightshift/store';
import { GossipError } from '../errors.ts';
import { checkSize, duplicate, type TargetMessage, type ValidationModules } from './context.ts';

export interface AcceptedEntry {
  hash: Hash;
  entry: LogEntry;
  /** What storing it did: whether the head moved, and any reorg. */
  stored: AddEntryResult;
}

export interface EntryHooks {
  /** The entry builds on an entry this node lacks: the sender has entries to sync from. */
  onUnknownParent?: (targetId: Hash) => void;
}

/**
 * Decodes, validates and stores a gossiped entry through the store's `add`, so fork choice
 * moves the head; throws what makes it unacceptable.
 */
export async function validateGossipEntry(
  modules: ValidationModules,
  { data, topicTarget }: TargetMessage,
  hooks: EntryHooks = {},
): Promise<AcceptedEntry> {
  const { store } = modules;
  const now = modules.now();
  // [REJECT] The message fits the topic's size bound.
  checkSize('entries', data);
  // [REJECT] The bytes are the canonical encoding of a LogEntry (§2.7).
  const entry = decodeEntry(data);
  const hash = entryHashOfBytes(data);
  // [REJECT] The entry is of the target whose topic it came on.
  if (!equalBytes(entry.target, topicTarget)) throw new GossipError('topic_mismatch');
  // [IGNORE] The entry is not already stored.
  if (await store.entries.has(hash)) throw duplicate('entry');
  // [IGNORE] The target is known (§6.6 step 1);
  // [REJECT] the height fits: 0 exactly at genesis, else [IGNORE] the parent entry is known,
  //   [REJECT] of this target and one below (step 2);
  // [REJECT] the candidate, quorum, metric, improvement, tolerance, credit and attestations
  //   agree (steps 3–10);
  // [REJECT]/[IGNORE] the candidate and every attestation are valid, signatures included,
  //   [REJECT] and so is the credited commitment's signature (steps 11–13).
  const target = await store.targets.get(entry.target);
  const parent = equalBytes(entry.prev, ZERO_HASH)
    ? undefined
    : await store.entries.get(entry.prev);
  const error = await validateEntry(entry, { target, parent, now });
  // An unknown parent means the sender holds entries this node lacks: worth a range sync.
  if (error?.code === 'unknown_parent') hooks.onUnknownParent?.(entry.target);
  if (error) throw error;
  const stored = await store.entries.add(entry);
  if (!stored.added) throw duplicate('entry');
  return { hash, entry, stored };
}

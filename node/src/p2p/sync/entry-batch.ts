/**
 * Checking a batch of entries from a range response before anything is stored: every entry
 * decodes, is of the target and height asked for, and names the one before it as parent
 * (hashes recomputed from the received bytes). Then each is validated against its parent
 * (protocol's validateEntry: links, quorum, metric rules, every signature) and stored, in
 * order; storing entry i overlaps validating entry i + 1, as LevelDB works off the main thread.
 */
import {
  decodeEntry,
  entryHashOfBytes,
  equalBytes,
  type Hash,
  type Head,
  hashHex,
  isProtocolError,
  type LogEntry,
  type Target,
  validateEntry,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { SyncError } from './errors.ts';

export interface ReceivedEntry {
  hash: Hash;
  entry: LogEntry;
}

/** Decodes a range response and checks its shape; throws a SyncError naming the fault. */
export function checkRange(raw: Uint8Array[], targetId: Hash, from: number): ReceivedEntry[] {
  const out: ReceivedEntry[] = [];
  for (const [i, bytes] of raw.entries()) {
    let entry: LogEntry;
    try {
      entry = decodeEntry(bytes);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      throw new SyncError('undecodable', `entry ${from + i}: ${err.message}`, err.code);
    }
    if (!equalBytes(entry.target, targetId)) {
      throw new SyncError('range_wrong_target', `entry ${from + i}`);
    }
    if (entry.height !== from + i) {
      throw new SyncError('range_bad_height', `height ${entry.height} where ${from + i} was asked`);
    }
    const previous = out[i - 1];
    if (previous && !equalBytes(entry.prev, previous.hash)) {
      throw new SyncError('range_broken_link', `entry ${entry.height} does not extend ${i - 1}`);
    }
    out.push({ hash: entryHashOfBytes(bytes), entry });
  }
  return out;
}

export interface StoredBatch {
  /** Entries that were not stored before. */
  added: ReceivedEntry[];
  /** The target's head after the batch, when the batch moved it. */
  head?: Head;
}

/**
 * Validates each entry against its parent (the one before it; `parent` for the first) and
 * stores it. An invalid entry stops the batch: the valid ones before it stay stored.
 */
export async function validateAndStore(
  store: Pick<Store, 'entries'>,
  target: Target,
  parent: LogEntry | undefined,
  batch: ReceivedEntry[],
  now: number,
): Promise<StoredBatch> {
  const added: ReceivedEntry[] = [];
  let head: Head | undefined;
  let storing: Promise<unknown> = Promise.resolve();
  let previous = parent;
  let known = true;
  try {
    for (const item of batch) {
      // Stored entries were checked when they came; the store holds only connected chains,
      // so once one entry is new, all after it are.
      known = known && (await store.entries.has(item.hash));
      if (!known) {
        const error = await validateEntry(item.entry, { target, parent: previous, now });
        if (error) {
          const code = error.action === 'reject' ? 'invalid_entry' : 'entry_not_checkable';
          throw new SyncError(
            code,
            `entry ${item.entry.height} ${hashHex(item.hash)}: ${error.message}`,
            error.code,
          );
        }
        storing = storing.then(async () => {
          const result = await store.entries.add(item.entry);
          if (result.added) added.push(item);
          if (result.headChanged) head = result.head;
        });
      }
      previous = item.entry;
    }
  } finally {
    await storing;
  }
  return { added, ...(head && { head }) };
}

/**
 * Checking a batch of entries from a range response before anything is stored: every entry
 * decodes, is of the target and height asked for, and names the one before it as parent
 * (hashes recomputed from the received bytes). Then each is validated against its parent
 * (protocol's validateEntry: links, quorum, metric rules, every signature), on a worker thread,
 * and stored in order; storing a batch overlaps validating the next.
 */
import {
  decodeEntry,
  type ErrorCode,
  encodeEntry,
  entryHashOfBytes,
  equalBytes,
  type Hash,
  type Head,
  hashHex,
  isProtocolError,
  type LogEntry,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { EntryValidator } from './entry-validator.ts';
import { SyncError } from './errors.ts';

export interface ReceivedEntry {
  hash: Hash;
  entry: LogEntry;
  /** The bytes as received: canonical, since they decoded. */
  bytes: Uint8Array;
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
    out.push({ hash: entryHashOfBytes(bytes), entry, bytes });
  }
  return out;
}

/**
 * Stores checked entries in order, behind the validation of the next ones: LevelDB works off
 * the main thread, so its writes overlap the signature checks. `flush` waits for every write
 * queued and reports the first failure.
 */
export class EntryWriter {
  /** Entries that were not stored before. */
  readonly added: ReceivedEntry[] = [];
  /** The target's head after the last write that moved it. */
  head: Head | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly store: Pick<Store, 'entries'>) {}

  enqueue(item: ReceivedEntry): void {
    const next = this.tail.then(async () => {
      const result = await this.store.entries.add(item.entry);
      if (result.added) this.added.push(item);
      if (result.headChanged) this.head = result.head;
    });
    // Failures surface in flush; until then the rejection is not unhandled.
    next.catch(() => {});
    this.tail = next;
  }

  flush(): Promise<void> {
    return this.tail;
  }
}

/**
 * Validates each entry against its parent (the one before it; `parent` for the first) and
 * queues it for storing. An invalid entry stops the batch: the valid ones before it are
 * stored. Returns the entries queued.
 */
export async function validateBatch(
  store: Pick<Store, 'entries'>,
  writer: EntryWriter,
  validator: EntryValidator,
  target: Uint8Array,
  parent: LogEntry | undefined,
  batch: ReceivedEntry[],
  now: number,
): Promise<ReceivedEntry[]> {
  // Stored entries were checked when they came; the store holds only connected chains, so
  // once one entry is new, all after it are.
  let known = 0;
  while (known < batch.length && (await store.entries.has(batch[known]!.hash))) known += 1;
  const fresh = batch.slice(known);
  if (fresh.length === 0) return [];
  const previous = known > 0 ? batch[known - 1]!.entry : parent;
  const result = await validator.validate({
    target,
    ...(previous && { parent: encodeEntry(previous) }),
    entries: fresh.map((item) => item.bytes),
    now,
  });
  const valid = fresh.slice(0, result.valid);
  for (const item of valid) writer.enqueue(item);
  if (result.error) {
    const { code, action, message } = result.error;
    const item = fresh[result.valid]!;
    const at = `entry ${item.entry.height} ${hashHex(item.hash)}`;
    throw new SyncError(
      action === 'reject' ? 'invalid_entry' : 'entry_not_checkable',
      `${at}: ${message}`,
      code as ErrorCode,
    );
  }
  return valid;
}

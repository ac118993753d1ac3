/**
 * Range sync of one target from one peer, towards the head the peer announced. Start just
 * above our own canonical head (clamped to the peer's height) and ask for batches of the
 * peer's canonical chain. When a batch's first entry names a parent we do not have, the
 * chains forked lower down: step back (1, 2, 4, ... heights) until the batch links to an
 * entry we hold. Every batch is checked whole before any of it is stored.
 */
import type { PeerId } from '@libp2p/interface';
import {
  type Direction,
  encodeSigned,
  equalBytes,
  type Head,
  type LogEntry,
  preferredEntry,
  TARGET,
  type Target,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { ReqResp, RequestOptions } from '../reqresp/index.ts';
import { checkRange, EntryWriter, type ReceivedEntry, validateBatch } from './entry-batch.ts';
import type { EntryValidator } from './entry-validator.ts';
import { SyncError } from './errors.ts';

export interface RangeSyncContext {
  store: Pick<Store, 'entries'>;
  reqResp: Pick<ReqResp, 'entries'>;
  now: () => number;
  batchSize: number;
  validator: EntryValidator;
  signal: AbortSignal;
  /** Called with each stored batch's new entries (to fetch their trees). */
  onBatch?: (added: ReceivedEntry[]) => void;
}

export interface RangeSyncResult {
  added: number;
  /** Our head after the sync, when the sync moved it. */
  head?: Head;
}

/** Whether the peer's head is preferred to ours by fork choice (or we have none). */
export function isBetterHead(remote: Head, local: Head | undefined, direction: Direction): boolean {
  if (!local) return true;
  if (equalBytes(remote.head, local.head)) return false;
  const ours = { hash: local.head, metric: local.metric };
  const theirs = { hash: remote.head, metric: remote.metric };
  return preferredEntry(ours, theirs, direction) === theirs;
}

export async function rangeSync(
  ctx: RangeSyncContext,
  peer: PeerId,
  target: Target,
  remote: Head,
): Promise<RangeSyncResult> {
  const { store } = ctx;
  const writer = new EntryWriter(store);
  const targetBytes = encodeSigned(TARGET, target);
  const local = await store.entries.head(remote.target);
  let from = Math.min(local ? local.height + 1 : 0, remote.height);
  let back = 1;
  let linked: ReceivedEntry | undefined;
  // The next batch is asked for while this one is checked; dropped if this one fails.
  let prefetched: { from: number; batch: Promise<Uint8Array[]> } | undefined;
  const ask = (start: number) => {
    const count = Math.min(ctx.batchSize, remote.height - start + 1);
    const batch = receive(ctx, peer, { target: remote.target, from: start, count });
    batch.catch(() => {});
    return { from: start, batch };
  };
  try {
    // Forward batches to reach the head, plus the steps back (a doubling walk).
    const maxRounds = Math.ceil((remote.height + 1) / ctx.batchSize) + 64;
    for (let round = 0; round < maxRounds; round++) {
      const request = prefetched?.from === from ? prefetched : ask(from);
      prefetched = undefined;
      const batch = checkRange(await request.batch, remote.target, from);
      const first = batch[0];
      if (!first) break; // The peer's chain no longer reaches this height.
      const parent = await parentOf(store, writer, first.entry, linked);
      if (parent === null) {
        if (from === 0) throw new SyncError('no_common_ancestor');
        from = Math.max(0, from - back);
        back *= 2;
        linked = undefined;
        continue;
      }
      const last = batch.at(-1)!;
      const done = last.entry.height >= remote.height || equalBytes(last.hash, remote.head);
      if (!done) prefetched = ask(last.entry.height + 1);
      const queued = await validateBatch(
        store,
        writer,
        ctx.validator,
        targetBytes,
        parent,
        batch,
        ctx.now(),
      );
      if (queued.length > 0) ctx.onBatch?.(queued);
      if (done) break;
      linked = last;
      from = last.entry.height + 1;
      back = 1;
    }
  } finally {
    // Whatever was validated is stored, even when a later batch failed.
    await writer.flush();
  }
  return { added: writer.added.length, ...(writer.head && { head: writer.head }) };
}

/** The parent the first entry of a batch extends: undefined at genesis, null when unknown. */
async function parentOf(
  store: Pick<Store, 'entries'>,
  writer: EntryWriter,
  first: LogEntry,
  linked: ReceivedEntry | undefined,
): Promise<LogEntry | undefined | null> {
  if (first.height === 0) return undefined;
  if (linked && equalBytes(first.prev, linked.hash)) return linked.entry;
  await writer.flush();
  return (await store.entries.get(first.prev)) ?? null;
}

async function receive(
  ctx: RangeSyncContext,
  peer: PeerId,
  request: { target: Uint8Array; from: number; count: number },
): Promise<Uint8Array[]> {
  const options: RequestOptions = { signal: ctx.signal };
  const raw: Uint8Array[] = [];
  for await (const bytes of ctx.reqResp.entries(peer, request, options)) raw.push(bytes);
  return raw;
}

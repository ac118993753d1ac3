/**
 * Log entries: every entry by hash (orphans are kept forever), every entry of a target by
 * height, the canonical chain by height, and the head. Adding an entry is one atomic batch
 * that stores and indexes it and, when fork choice prefers it to the current head, moves the
 * head and rewrites the canonical chain from the fork point (canonical.ts). The store checks
 * only that an entry connects to a stored parent; protocol validity is the caller's job
 * (`addValidated` does both).
 */
import {
  decodeEntry,
  encodeEntry,
  entryHashOfBytes,
  equalBytes,
  type Hash,
  type Head,
  hashHex,
  type LogEntry,
  type ProtocolError,
  preferredEntry,
  validateEntry,
  ZERO_HASH,
} from '@nightshift/protocol';
import { planChainRewrite } from './canonical.ts';
import { Batch, type Database, type Sublevels } from './database.ts';
import { StoreError } from './errors.ts';
import { chainKey, EMPTY, entryByHeightKey, heightPrefix, prefixRange, readU64be } from './keys.ts';
import type { Mutex } from './mutex.ts';
import type { TargetRepository } from './targets.ts';

export interface AddEntryResult {
  hash: Hash;
  /** False when the entry was already stored: nothing changed. */
  added: boolean;
  /** True when this entry became the target's canonical head. */
  headChanged: boolean;
  /** The target's head after the call. */
  head: Head;
  /**
   * Set when the new head does not extend the old one: the old head, and the height of the
   * last entry the two chains share (-1 when they do not even share entry 0).
   */
  reorg?: { oldHead: Hash; forkHeight: number };
}

export type ValidatedAddResult =
  | ({ ok: true } & AddEntryResult)
  | { ok: false; error: ProtocolError };

export interface IndexedEntry {
  height: number;
  hash: Hash;
}

export class EntryRepository {
  private readonly sub: Sublevels;
  /** Heads by target hex, loaded on first use and kept current by `add`. */
  private readonly headCache = new Map<string, Head>();

  constructor(
    private readonly database: Database,
    private readonly targets: TargetRepository,
    private readonly lock: Mutex,
  ) {
    this.sub = database.sub;
  }

  /** Stores an entry whose parent is stored; see AddEntryResult. */
  add(entry: LogEntry): Promise<AddEntryResult> {
    return this.addDecoded(entry, encodeEntry(entry));
  }

  /** Stores canonical entry bytes (refused with a ProtocolError unless they decode). */
  addBytes(bytes: Uint8Array): Promise<AddEntryResult> {
    return this.addDecoded(decodeEntry(bytes), bytes);
  }

  /**
   * Validates the entry against its stored target and parent with protocol's validateEntry,
   * then stores it. An invalid entry comes back as the ProtocolError, stored nowhere.
   */
  async addValidated(entry: LogEntry, options: { now: number }): Promise<ValidatedAddResult> {
    const target = await this.targets.get(entry.target);
    const parent = entry.height === 0 ? undefined : await this.get(entry.prev);
    const error = await validateEntry(entry, { target, parent, now: options.now });
    if (error) return { ok: false, error };
    return { ok: true, ...(await this.add(entry)) };
  }

  private addDecoded(entry: LogEntry, bytes: Uint8Array): Promise<AddEntryResult> {
    const hash = entryHashOfBytes(bytes);
    return this.lock.run(async () => {
      if (await this.sub.entry.has(hash)) {
        const head = (await this.head(entry.target))!;
        return { hash, added: false, headChanged: false, head };
      }
      const direction = await this.targets.direction(entry.target);
      if (!direction) throw new StoreError('unknown_target', hashHex(entry.target));
      await this.checkLink(entry);

      const { target, height } = entry;
      const batch = new Batch(this.database.db)
        .put(this.sub.entry, hash, bytes)
        .put(this.sub.entryByHeight, entryByHeightKey(target, height, hash), EMPTY);
      const current = await this.head(target);
      const challenger = { hash, metric: entry.metric };
      if (current) {
        const incumbent = { hash: current.head, metric: current.metric };
        if (preferredEntry(incumbent, challenger, direction) === incumbent) {
          await batch.write();
          return { hash, added: true, headChanged: false, head: current };
        }
      }
      const plan = await planChainRewrite(
        { hash, height, prev: entry.prev },
        current?.height ?? -1,
        {
          chainAt: (h) => this.sub.chain.get(chainKey(target, h)),
          prevOf: (h) => this.prevOf(h),
        },
      );
      for (const link of plan.put) {
        batch.put(this.sub.chain, chainKey(target, link.height), link.hash);
      }
      for (const h of plan.delete) batch.del(this.sub.chain, chainKey(target, h));
      batch.put(this.sub.head, target, hash);
      await batch.write();

      const head: Head = { target, head: hash, height, metric: entry.metric };
      this.headCache.set(hashHex(target), head);
      const result: AddEntryResult = { hash, added: true, headChanged: true, head };
      if (current && !equalBytes(current.head, entry.prev)) {
        result.reorg = { oldHead: current.head, forkHeight: plan.forkHeight };
      }
      return result;
    });
  }

  /** The store holds only connected chains: a parent must be stored, one height below. */
  private async checkLink(entry: LogEntry): Promise<void> {
    if (entry.height === 0) {
      if (!equalBytes(entry.prev, ZERO_HASH)) {
        throw new StoreError('bad_link', 'an entry at height 0 has no parent');
      }
      return;
    }
    const parent = await this.get(entry.prev);
    if (!parent) throw new StoreError('unknown_parent', hashHex(entry.prev));
    if (!equalBytes(parent.target, entry.target) || parent.height + 1 !== entry.height) {
      throw new StoreError('bad_link', `height ${entry.height} on parent ${parent.height}`);
    }
  }

  private async prevOf(hash: Hash): Promise<Hash> {
    const entry = await this.get(hash);
    if (!entry) throw new StoreError('unknown_parent', `${hashHex(hash)} is canonical, not stored`);
    return entry.prev;
  }

  async get(hash: Hash): Promise<LogEntry | undefined> {
    const bytes = await this.sub.entry.get(hash);
    return bytes && decodeEntry(bytes);
  }

  getBytes(hash: Hash): Promise<Uint8Array | undefined> {
    return this.sub.entry.get(hash);
  }

  /** The stored bytes of several entries at once (one read for all, as an auditor wants). */
  getManyBytes(hashes: Hash[]): Promise<(Uint8Array | undefined)[]> {
    return this.sub.entry.getMany(hashes);
  }

  has(hash: Hash): Promise<boolean> {
    return this.sub.entry.has(hash);
  }

  /** The target's canonical head, or undefined when it has no entries. */
  async head(target: Hash): Promise<Head | undefined> {
    const key = hashHex(target);
    const cached = this.headCache.get(key);
    if (cached) return cached;
    const hash = await this.headHash(target);
    const entry = hash && (await this.get(hash));
    if (!hash || !entry) return undefined;
    const head: Head = { target, head: hash, height: entry.height, metric: entry.metric };
    this.headCache.set(key, head);
    return head;
  }

  /** The stored head pointer itself, as the auditor checks it. */
  headHash(target: Hash): Promise<Hash | undefined> {
    return this.sub.head.get(target);
  }

  /** The head of every target with entries, sorted by target id (as a status message wants). */
  async heads(): Promise<Head[]> {
    const out: Head[] = [];
    for await (const target of this.sub.head.keys()) {
      const head = await this.head(target);
      if (head) out.push(head);
    }
    return out;
  }

  /** The hash of the canonical entry at `height`. */
  canonicalAt(target: Hash, height: number): Promise<Hash | undefined> {
    return this.sub.chain.get(chainKey(target, height));
  }

  /** The canonical chain from `from` upwards, at most `limit` entries (for range sync). */
  async *canonical(target: Hash, options: { from?: number; limit?: number } = {}) {
    const { lt } = prefixRange(target);
    const range = { gte: chainKey(target, options.from ?? 0), lt, limit: options.limit ?? -1 };
    for await (const [key, hash] of this.sub.chain.iterator(range)) {
      yield { height: readU64be(key, 32), hash } satisfies IndexedEntry;
    }
  }

  /** Every stored entry of the target, orphans included, by height then hash. */
  async *indexed(target: Hash): AsyncIterable<IndexedEntry> {
    for await (const key of this.sub.entryByHeight.keys(prefixRange(target))) {
      yield { height: readU64be(key, 32), hash: key.slice(40) };
    }
  }

  /** The hashes of every stored entry of the target at `height`. */
  async atHeight(target: Hash, height: number): Promise<Hash[]> {
    const out: Hash[] = [];
    for await (const key of this.sub.entryByHeight.keys(
      prefixRange(heightPrefix(target, height)),
    )) {
      out.push(key.slice(40));
    }
    return out;
  }

  /** How many entries of the target are stored, orphans included. */
  async count(target: Hash): Promise<number> {
    let n = 0;
    for await (const _ of this.sub.entryByHeight.keys(prefixRange(target))) n += 1;
    return n;
  }

  /**
   * Every target with stored entries or a head, in byte order: read from the keys, not from
   * the targets repository, so an auditor also finds entries of targets that are not stored.
   */
  async *targetIds(): AsyncIterable<Hash> {
    const found = new Map<string, Hash>();
    for await (const target of this.sub.head.keys()) found.set(hashHex(target), target);
    let from: Uint8Array | undefined = new Uint8Array(0);
    while (from) {
      const keys: Uint8Array[] = await this.sub.entryByHeight.keys({ gte: from, limit: 1 }).all();
      const key = keys[0];
      if (!key) break;
      const target = key.slice(0, 32);
      found.set(hashHex(target), target);
      from = prefixRange(target).lt;
    }
    for (const hex of [...found.keys()].sort()) yield found.get(hex)!;
  }

  /** The hash of every stored entry of every target, in byte order. */
  async *hashes(): AsyncIterable<Hash> {
    for await (const key of this.sub.entry.keys()) yield key;
  }
}

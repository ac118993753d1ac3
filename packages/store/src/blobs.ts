/**
 * Blobs: file contents, content-addressed by `blobHash`. Every blob is split into chunks of
 * BLOB_CHUNK_BYTES under `blob-chunk`, and its meta record is written last: a blob exists
 * once its meta exists. A write interrupted by a crash leaves chunks without meta, which are
 * invisible and overwritten by the next write of the same blob. Reads stream chunk by chunk,
 * so a 100 MB file never sits in one value or one buffer.
 */

import { createHash } from 'node:crypto';
import { blobHash, equalBytes, type Hash, type Hasher, hashHex, TAG } from '@nightshift/protocol';
import type { Database, Sublevel } from './database.ts';
import { StoreError } from './errors.ts';
import { BLOB_CHUNK_BYTES, chunkKey, prefixRange } from './keys.ts';
import { KeyedMutex } from './mutex.ts';
import { type BlobMetaRecord, decodeRecord, encodeRecord } from './records.ts';

const BLOB_TAG_PREFIX = (() => {
  const tag = new TextEncoder().encode(TAG.blob);
  return Uint8Array.of(tag.length, ...tag);
})();

/**
 * An incremental blobHash, for content that arrives in chunks: the same digest as
 * protocol's, SHA-256(u8(len(tag)) ‖ tag ‖ content), but from node:crypto, which hashes large
 * files about twice as fast as the portable JavaScript one (BENCHMARKS.md, "Blob fetch").
 */
export function blobHasher(): Hasher {
  const hash = createHash('sha256').update(BLOB_TAG_PREFIX);
  const hasher: Hasher = {
    update(data) {
      hash.update(data);
      return hasher;
    },
    digest: () => new Uint8Array(hash.digest()),
  };
  return hasher;
}

export class BlobRepository {
  private readonly chunks: Sublevel;
  private readonly meta: Sublevel;
  /** Writes of one blob run one at a time, so a bad copy never clears a good one's chunks. */
  private readonly writing = new KeyedMutex();

  constructor(database: Database) {
    this.chunks = database.sub.blobChunk;
    this.meta = database.sub.blobMeta;
  }

  /** Stores `content`; returns its blob hash. */
  async put(content: Uint8Array): Promise<Hash> {
    const hash = blobHasher().update(content).digest();
    await this.write(hash, [content]);
    return hash;
  }

  /**
   * Streams content into the blob `expected` (as when fetched from a peer who named it).
   * Fails with `hash_mismatch`, leaving no blob, when the content hashes to anything else.
   * When the blob is already stored, `source` is not read: check `has` before fetching.
   */
  async write(
    expected: Hash,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<BlobMetaRecord> {
    return this.writing.run(hashHex(expected), async () => {
      const existing = await this.stat(expected);
      return existing ?? (await this.writeChunks(expected, source));
    });
  }

  private async writeChunks(
    expected: Hash,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<BlobMetaRecord> {
    const hasher = blobHasher();
    const pending = new Uint8Array(BLOB_CHUNK_BYTES);
    let filled = 0;
    let chunks = 0;
    let size = 0;
    const flush = async () => {
      await this.chunks.put(chunkKey(expected, chunks), pending.slice(0, filled));
      chunks += 1;
      filled = 0;
    };
    for await (const piece of source) {
      hasher.update(piece);
      size += piece.length;
      for (let offset = 0; offset < piece.length; ) {
        const n = Math.min(piece.length - offset, BLOB_CHUNK_BYTES - filled);
        pending.set(piece.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === BLOB_CHUNK_BYTES) await flush();
      }
    }
    if (filled > 0 || chunks === 0) await flush();
    if (!equalBytes(hasher.digest(), expected)) {
      await this.chunks.clear(prefixRange(expected));
      throw new StoreError('hash_mismatch', `content is not blob ${hashHex(expected)}`);
    }
    const meta: BlobMetaRecord = { size, chunkSize: BLOB_CHUNK_BYTES, chunks };
    await this.meta.put(expected, encodeRecord('blobMeta', meta));
    return meta;
  }

  async stat(hash: Hash): Promise<BlobMetaRecord | undefined> {
    const bytes = await this.meta.get(hash);
    return bytes === undefined ? undefined : decodeRecord('blobMeta', bytes);
  }

  async has(hash: Hash): Promise<boolean> {
    return (await this.meta.get(hash)) !== undefined;
  }

  /** The blob's content, chunk by chunk; undefined when the blob is not stored. */
  async read(hash: Hash): Promise<AsyncIterable<Uint8Array> | undefined> {
    const meta = await this.stat(hash);
    return meta && this.chunksOf(hash, meta);
  }

  /** The whole blob in one buffer: for small files; stream large ones with `read`. */
  async get(hash: Hash): Promise<Uint8Array | undefined> {
    const meta = await this.stat(hash);
    if (!meta) return undefined;
    const out = new Uint8Array(meta.size);
    let offset = 0;
    for await (const chunk of this.chunksOf(hash, meta)) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private async *chunksOf(hash: Hash, meta: BlobMetaRecord): AsyncIterable<Uint8Array> {
    let index = 0;
    let size = 0;
    for (; index < meta.chunks; index++) {
      const chunk = await this.chunks.get(chunkKey(hash, index));
      if (chunk === undefined) break;
      size += chunk.length;
      yield chunk;
    }
    if (index !== meta.chunks || size !== meta.size) {
      throw new StoreError('corrupt_blob', `${hashHex(hash)}: ${size} of ${meta.size} bytes`);
    }
  }
}

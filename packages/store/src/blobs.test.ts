import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobHash, hashHex, utf8 } from '@nightshift/protocol';
import { openFreshStore } from '../testing/index.ts';
import { blobHasher } from './blobs.ts';
import { isStoreError } from './errors.ts';
import { BLOB_CHUNK_BYTES } from './keys.ts';
import { Store } from './store.ts';

/** Deterministic bytes that are not periodic in any chunk size. */
function content(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Yields `bytes` in pieces of `size`, as a network stream would. */
async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('BlobRepository', () => {
  it('hashes incrementally exactly as protocol blobHash does', () => {
    const bytes = content(3000);
    const hasher = blobHasher();
    for (let i = 0; i < bytes.length; i += 700) hasher.update(bytes.subarray(i, i + 700));
    assert.equal(hashHex(hasher.digest()), hashHex(blobHash(bytes)));
  });

  it('stores a multi-megabyte blob in 1 MiB chunks and gives back the same bytes after reopening', async () => {
    const { store, dataDir } = await openFreshStore('blobs');
    const bytes = content(5 * BLOB_CHUNK_BYTES + 12_345);
    const hash = await store.blobs.put(bytes);
    assert.equal(hashHex(hash), hashHex(blobHash(bytes)));
    await store.close();

    const reopened = await Store.open(dataDir);
    assert.deepEqual(await reopened.blobs.stat(hash), {
      size: bytes.length,
      chunkSize: BLOB_CHUNK_BYTES,
      chunks: 6,
    });
    const sizes: number[] = [];
    const hasher = blobHasher();
    for await (const chunk of (await reopened.blobs.read(hash))!) {
      sizes.push(chunk.length);
      hasher.update(chunk);
    }
    assert.deepEqual(sizes, [...Array(5).fill(BLOB_CHUNK_BYTES), 12_345]);
    assert.equal(hashHex(hasher.digest()), hashHex(hash));
    assert.deepEqual(await reopened.blobs.get(hash), bytes);
    await reopened.close();
  });

  it('streams a blob in from arbitrary pieces under the hash it was asked for', async () => {
    const { store } = await openFreshStore('blobs');
    const bytes = content(2 * BLOB_CHUNK_BYTES + 1);
    const meta = await store.blobs.write(blobHash(bytes), pieces(bytes, 300_001));
    assert.equal(meta.chunks, 3);
    assert.deepEqual(await store.blobs.get(blobHash(bytes)), bytes);
    await store.close();
  });

  it('refuses content that does not hash to the expected blob, and keeps nothing of it', async () => {
    const { store } = await openFreshStore('blobs');
    const wanted = blobHash(utf8('the real file'));
    await assert.rejects(
      store.blobs.write(wanted, pieces(content(BLOB_CHUNK_BYTES + 10), 4096)),
      (err: unknown) => isStoreError(err, 'hash_mismatch'),
    );
    assert.equal(await store.blobs.has(wanted), false);
    assert.equal(await store.blobs.read(wanted), undefined);
    const real = await store.blobs.put(utf8('the real file'));
    assert.deepEqual(await store.blobs.get(real), utf8('the real file'));
    await store.close();
  });

  it('stores the empty blob as one empty chunk', async () => {
    const { store } = await openFreshStore('blobs');
    const hash = await store.blobs.put(new Uint8Array(0));
    assert.deepEqual(await store.blobs.stat(hash), {
      size: 0,
      chunkSize: BLOB_CHUNK_BYTES,
      chunks: 1,
    });
    assert.deepEqual(await store.blobs.get(hash), new Uint8Array(0));
    await store.close();
  });
});

import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blobHash, hashHex, utf8 } from '@nightshift/protocol';
import { openFreshStore } from '../testing/index.ts';
import { BLOBS_DIR, blobHasher } from './blobs.ts';
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

  it('stores a multi-megabyte blob as one file and reads it back in 1 MiB pieces after reopening', async () => {
    const { store, dataDir } = await openFreshStore('blobs');
    const bytes = content(5 * BLOB_CHUNK_BYTES + 12_345);
    const hash = await store.blobs.put(bytes);
    assert.equal(hashHex(hash), hashHex(blobHash(bytes)));
    await store.close();

    const reopened = await Store.open(dataDir);
    assert.deepEqual(await reopened.blobs.stat(hash), { size: bytes.length });
    const path = await reopened.blobs.path(hash);
    assert.equal(path, join(dataDir, BLOBS_DIR, hashHex(hash).slice(0, 2), hashHex(hash)));
    assert.deepEqual(new Uint8Array(await readFile(path!)), bytes);
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
    const stat = await store.blobs.write(blobHash(bytes), pieces(bytes, 300_001));
    assert.deepEqual(stat, { size: bytes.length });
    assert.deepEqual(await store.blobs.get(blobHash(bytes)), bytes);
    await store.close();
  });

  it('reads a byte range in pieces of the size asked, cut at the end of the blob', async () => {
    const { store } = await openFreshStore('blobs');
    const bytes = content(3 * BLOB_CHUNK_BYTES);
    const hash = await store.blobs.put(bytes);
    const read = async (offset: number, length: number, pieceBytes?: number) => {
      const got: Uint8Array[] = [];
      const options = { range: { offset, length }, ...(pieceBytes && { pieceBytes }) };
      for await (const piece of (await store.blobs.read(hash, options))!) got.push(piece);
      return got;
    };
    const middle = await read(BLOB_CHUNK_BYTES - 5, 100_000, 40_000);
    assert.deepEqual(
      middle.map((p) => p.length),
      [40_000, 40_000, 20_000],
    );
    assert.deepEqual(
      Buffer.concat(middle),
      Buffer.from(bytes.subarray(BLOB_CHUNK_BYTES - 5, BLOB_CHUNK_BYTES - 5 + 100_000)),
    );
    const tail = await read(bytes.length - 10, 1000);
    assert.deepEqual(Buffer.concat(tail), Buffer.from(bytes.subarray(bytes.length - 10)));
    assert.deepEqual(await read(bytes.length + 5, 10), []);
    await store.close();
  });

  it('refuses content that does not hash to the expected blob, and keeps nothing of it', async () => {
    const { store, dataDir } = await openFreshStore('blobs');
    const wanted = blobHash(utf8('the real file'));
    await assert.rejects(
      store.blobs.write(wanted, pieces(content(BLOB_CHUNK_BYTES + 10), 4096)),
      (err: unknown) => isStoreError(err, 'hash_mismatch'),
    );
    assert.equal(await store.blobs.has(wanted), false);
    assert.equal(await store.blobs.read(wanted), undefined);
    assert.equal(await store.blobs.path(wanted), undefined);
    assert.deepEqual(await readdir(join(dataDir, BLOBS_DIR, 'incoming')), []);
    const real = await store.blobs.put(utf8('the real file'));
    assert.deepEqual(await store.blobs.get(real), utf8('the real file'));
    await store.close();
  });

  it('keeps nothing of a blob whose source fails half way', async () => {
    const { store, dataDir } = await openFreshStore('blobs');
    const bytes = content(3 * BLOB_CHUNK_BYTES);
    async function* failing() {
      yield bytes.subarray(0, 2 * BLOB_CHUNK_BYTES);
      throw new Error('the peer went away');
    }
    await assert.rejects(store.blobs.write(blobHash(bytes), failing()), /the peer went away/);
    assert.equal(await store.blobs.has(blobHash(bytes)), false);
    assert.deepEqual(await readdir(join(dataDir, BLOBS_DIR, 'incoming')), []);
    await store.close();
  });

  it('clears a half-written blob left by a crash when the store opens', async () => {
    const { store, dataDir } = await openFreshStore('blobs');
    await store.close();
    const incoming = join(dataDir, BLOBS_DIR, 'incoming');
    await writeFile(join(incoming, 'left-by-a-crash'), content(1000));
    const reopened = await Store.open(dataDir);
    assert.deepEqual(await readdir(incoming), []);
    await reopened.close();
  });

  it('writes a blob once when two writers race for it', async () => {
    const { store } = await openFreshStore('blobs');
    const bytes = content(BLOB_CHUNK_BYTES + 3);
    const [a, b] = await Promise.all([
      store.blobs.write(blobHash(bytes), pieces(bytes, 65_536)),
      store.blobs.write(blobHash(bytes), pieces(bytes, 10_000)),
    ]);
    assert.deepEqual(a, { size: bytes.length });
    assert.deepEqual(b, { size: bytes.length });
    assert.deepEqual(await store.blobs.get(blobHash(bytes)), bytes);
    await store.close();
  });

  it('stores the empty blob', async () => {
    const { store } = await openFreshStore('blobs');
    const hash = await store.blobs.put(new Uint8Array(0));
    assert.deepEqual(await store.blobs.stat(hash), { size: 0 });
    assert.deepEqual(await store.blobs.get(hash), new Uint8Array(0));
    const pieces: Uint8Array[] = [];
    for await (const piece of (await store.blobs.read(hash))!) pieces.push(piece);
    assert.deepEqual(pieces, []);
    await store.close();
  });
});

// Test content for blobs, with no test-runner imports, so benchmarks can use it too.
import { BLOB_CHUNK_BYTES } from '../src/keys.ts';

/** `size` bytes from a fixed xorshift32 stream, in store-sized chunks: the same every run. */
export function* deterministicBytes(size: number): Iterable<Uint8Array> {
  let state = 0x9e3779b9;
  for (let offset = 0; offset < size; offset += BLOB_CHUNK_BYTES) {
    const length = Math.min(BLOB_CHUNK_BYTES, size - offset);
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      words[i] = state >>> 0;
    }
    yield new Uint8Array(words.buffer, 0, length);
  }
}

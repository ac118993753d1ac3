/**
 * Assertions shared by the protocol tests. Every expected error is written as a literal
 * `'code', 'action'` pair at the call site: the meta-test (error-coverage.test.ts) reads those
 * pairs from the sources to prove that every code in ERROR_CODES is exercised.
 */
import assert from 'node:assert/strict';
import {
  type ErrorAction,
  type ErrorCode,
  isProtocolError,
  type ProtocolError,
} from '../src/index.ts';

/** A validator returned exactly this error. */
export function assertError(
  error: ProtocolError | undefined,
  code: ErrorCode,
  action: ErrorAction,
): void {
  assert.ok(error, `expected ${code}, but the object was accepted`);
  assert.ok(isProtocolError(error), `expected a ProtocolError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.action, action, `action of ${code}`);
}

/** `fn` throws a ProtocolError with exactly this code and action. */
export function assertThrowsCode(fn: () => unknown, code: ErrorCode, action: ErrorAction): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isProtocolError(err), `expected a ProtocolError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.action, action, `action of ${code}`);
    return true;
  });
}

/** Bytes from a mix of byte values, byte arrays and hex strings, for hand-built encodings. */
export function bytes(...parts: (number | readonly number[] | Uint8Array | string)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') out.push(...Buffer.from(part.replaceAll(' ', ''), 'hex'));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

/** A copy of `data` with byte `index` replaced (negative indexes count from the end). */
export function withByte(data: Uint8Array, index: number, value: number): Uint8Array {
  // Uint8Array.from copies; Buffer#slice (signatures from node:crypto are Buffers) would not.
  const copy = Uint8Array.from(data);
  copy[index < 0 ? copy.length + index : index] = value;
  return copy;
}

/** A copy of a signature with one bit flipped. */
export function flipBit(signature: Uint8Array): Uint8Array {
  return withByte(signature, 0, signature[0]! ^ 1);
}

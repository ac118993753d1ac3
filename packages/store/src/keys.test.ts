import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixRange } from './keys.ts';

describe('prefixRange', () => {
  it('spans the keys that start with the prefix, and leaves a Buffer prefix unchanged', () => {
    const prefix = Buffer.from('01ff', 'hex');
    const range = prefixRange(prefix);
    assert.deepEqual(Buffer.from(prefix).toString('hex'), '01ff');
    assert.deepEqual(Buffer.from(range.gte).toString('hex'), '01ff');
    assert.deepEqual(Buffer.from(range.lt!).toString('hex'), '02');
    assert.deepEqual(prefixRange(Uint8Array.of(0xff, 0xff)), { gte: Uint8Array.of(0xff, 0xff) });
  });
});

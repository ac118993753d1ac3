/**
 * Golden vectors: the committed bytes in fixtures/vectors pin the encoding, the ids and the
 * signatures of every object kind. The objects are rebuilt from the vectors' readable
 * descriptions, never regenerated, so any change to the wire format fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  decodeObject,
  decodeSigned,
  encodeObject,
  entryCodec,
  entryHash,
  hasValidSignature,
  idOf,
  type ObjectCodec,
  publicKeyOf,
  type SignedKind,
  signMessage,
  statusCodec,
  TAG,
  TARGET,
  treeCodec,
  treeHash,
  verifySignature,
} from '../src/index.ts';
import { testKey } from '../testing/index.ts';
import { reviveObject } from './fixtures/describe.ts';
import { flipBit, hex } from './helpers.ts';
import {
  fromHexString,
  type PlainVector,
  readVectors,
  referenceTaggedHash,
  referenceVerify,
  type SignedVector,
} from './vectors.ts';

/** The two tests every vector gets: its object encodes to its bytes, and back. */
function encodingRoundTrip<T>(codec: ObjectCodec<T>, v: { object: unknown; encoding: string }) {
  const object = reviveObject(codec, v.object);
  const bytes = fromHexString(v.encoding);
  it('encodes the described object to exactly the committed bytes', () => {
    assert.equal(hex(encodeObject(codec, object)), v.encoding);
  });
  it('decodes the committed bytes back to the described object', () => {
    assert.deepEqual(decodeObject(codec, bytes), object);
  });
  return { object, bytes };
}

const signedKinds: [string, SignedKind<never>][] = [
  ['target', TARGET as SignedKind<never>],
  ['commitment', COMMITMENT as SignedKind<never>],
  ['candidate', CANDIDATE as SignedKind<never>],
  ['attestation', ATTESTATION as SignedKind<never>],
];

for (const [kindName, kind] of signedKinds) {
  const codec = kind.codec as ObjectCodec<{ signature: Uint8Array }>;
  for (const v of readVectors<SignedVector>(`${kindName}.json`)) {
    describe(`golden ${kindName} '${v.name}' (${v.comment})`, () => {
      const { object, bytes } = encodingRoundTrip(codec, v);

      it('signs its body, which is the encoding up to the signature field', () => {
        assert.equal(hex(encodeObject(codec, object, { omitSignature: true })), v.body);
        assert.equal(v.encoding, `${v.body}7f${v.signature}`);
      });

      it('has the id H(tag, body), whether computed from the object or the bytes', () => {
        assert.equal(referenceTaggedHash(kind.tag, [fromHexString(v.body)]), v.id);
        assert.equal(hex(idOf(kind, object as never)), v.id);
        assert.equal(hex(decodeSigned(kind, bytes).id), v.id);
      });

      it('carries a signature by the named deterministic key that verifies', async () => {
        const key = await testKey(v.signer.seedLabel);
        assert.equal(hex(publicKeyOf(key)), v.signer.publicKey);
        assert.equal(hex(kind.signer(object as never)), v.signer.publicKey);
        const [pub, id, sig] = [v.signer.publicKey, v.id, v.signature].map(fromHexString);
        assert.equal(referenceVerify(pub!, id!, sig!), true);
        assert.equal(await verifySignature(pub!, id!, sig!), true);
        assert.equal(await hasValidSignature(kind, object as never), true);
        // Ed25519 is deterministic: signing again gives the same bytes.
        assert.equal(hex(await signMessage(key, id!)), v.signature);
      });

      it('fails to verify once one bit of the signature flips', async () => {
        const [pub, id, sig] = [v.signer.publicKey, v.id, v.signature].map(fromHexString);
        assert.equal(await verifySignature(pub!, id!, flipBit(sig!)), false);
        assert.equal(referenceVerify(pub!, id!, flipBit(sig!)), false);
      });
    });
  }
}

const plainKinds: [string, ObjectCodec<never>, ((value: never) => Uint8Array) | undefined][] = [
  ['tree', treeCodec as ObjectCodec<never>, treeHash],
  ['entry', entryCodec as ObjectCodec<never>, entryHash],
  ['status', statusCodec as ObjectCodec<never>, undefined],
];
const plainTags: Record<string, string> = { tree: TAG.tree, entry: TAG.entry };

for (const [kindName, codec, hashOf] of plainKinds) {
  for (const v of readVectors<PlainVector>(`${kindName}.json`)) {
    describe(`golden ${kindName} '${v.name}' (${v.comment})`, () => {
      const { object, bytes } = encodingRoundTrip(codec, v);

      if (hashOf) {
        it('hashes to H(tag, encoding)', () => {
          assert.equal(referenceTaggedHash(plainTags[kindName]!, [bytes]), v.hash);
          assert.equal(hex(hashOf(object)), v.hash);
        });
      }
    });
  }
}

describe('golden vectors as a set', () => {
  it('cover every object kind, an absent optional field and both kinds of entry', () => {
    const names = (file: string) => readVectors<{ name: string }>(file).map((v) => v.name);
    for (const file of ['target', 'tree', 'commitment', 'candidate', 'status']) {
      assert.ok(names(`${file}.json`).length > 0, file);
    }
    const noMetric = readVectors<SignedVector>('attestation.json').find(
      (v) => v.name === 'no-metric',
    );
    assert.ok(noMetric && !('metric' in (noMetric.object as object)));
    const heights = readVectors<PlainVector>('entry.json').map(
      (v) => (v.object as { height: number }).height,
    );
    assert.deepEqual(heights, [0, 1]);
  });
});

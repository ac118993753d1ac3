/**
 * Signed objects and keys (objects/signed.ts, keys.ts): the id is H(kind tag, body), the
 * signature is Ed25519 over the id, and identities are libp2p Ed25519 keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  CANDIDATE,
  COMMITMENT,
  candidateCodec,
  decodeSigned,
  encodeObject,
  encodeSigned,
  entryHash,
  hasValidSignature,
  idOf,
  isSmallOrderEncoding,
  isValidPublicKey,
  peerIdOf,
  publicKeyFromPeerId,
  publicKeyOf,
  signMessage,
  TAG,
  taggedHash,
  utf8,
  verifySignature,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';

const fixture = await makeFixture();
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis();
const next = await chain.extend(genesis, entryHash(genesis));
const { candidate } = next;
const author = fixture.workers[0]!;

describe('signed objects', () => {
  it('decode to a value equal to the one that was signed, with the same id', () => {
    for (const [kind, value] of [
      [CANDIDATE, candidate],
      [COMMITMENT, next.credit.commitment],
    ] as const) {
      const received = decodeSigned(kind as never, encodeSigned(kind as never, value as never));
      assert.deepEqual(received.value, value);
      assert.deepEqual(received.id, idOf(kind as never, value as never));
    }
  });

  it('have an id that leaves the signature out', () => {
    const resigned = { ...candidate, signature: new Uint8Array(64) };
    assert.deepEqual(idOf(CANDIDATE, resigned), idOf(CANDIDATE, candidate));
    const body = encodeObject(candidateCodec, candidate, { omitSignature: true });
    assert.deepEqual(idOf(CANDIDATE, candidate), taggedHash(TAG.candidate, body));
  });

  it('verify only under their own kind: the tag separates the domains', async () => {
    const body = encodeObject(candidateCodec, candidate, { omitSignature: true });
    const asCommitment = taggedHash(TAG.commitment, body);
    assert.equal(await verifySignature(candidate.author, asCommitment, candidate.signature), false);
    assert.equal(await hasValidSignature(CANDIDATE, candidate), true);
  });

  it('do not verify under another signer', async () => {
    const other = { ...candidate, author: publicKeyOf(fixture.workers[1]!) };
    assert.equal(await hasValidSignature(CANDIDATE, other), false);
  });
});

describe('keys', () => {
  it('sign deterministically and verify', async () => {
    const message = new Uint8Array([1, 2, 3]);
    const sig = await signMessage(author, message);
    assert.deepEqual(await signMessage(author, message), sig);
    assert.equal(await verifySignature(publicKeyOf(author), message, sig), true);
    assert.equal(await verifySignature(publicKeyOf(author), new Uint8Array([1, 2]), sig), false);
  });

  it('answer false, never throw, for a malformed key or signature', async () => {
    const message = new Uint8Array([1]);
    const sig = await signMessage(author, message);
    assert.equal(await verifySignature(new Uint8Array(31), message, sig), false);
    assert.equal(await verifySignature(publicKeyOf(author), message, sig.subarray(0, 63)), false);
    assert.equal(await verifySignature(publicKeyOf(author), message, new Uint8Array(0)), false);
  });

  it('refuse to sign with a key that is not Ed25519', async () => {
    const secp = await generateKeyPair('secp256k1');
    await assert.rejects(signMessage(secp, new Uint8Array([1])), TypeError);
  });

  it('round-trip through libp2p peer ids', () => {
    const raw = publicKeyOf(author);
    const peerId = peerIdOf(raw);
    assert.match(peerId, /^12D3KooW/);
    assert.deepEqual(publicKeyFromPeerId(peerId), raw);
    assert.throws(() => peerIdOf(new Uint8Array(31)), TypeError);
  });

  it('accept 32-byte public keys only', () => {
    assert.equal(isValidPublicKey(publicKeyOf(author)), true);
    assert.equal(isValidPublicKey(new Uint8Array(31)), false);
    // 32 bytes that are no curve point (y >= p), and a point of small order (the identity).
    assert.equal(isValidPublicKey(new Uint8Array(32).fill(0xff)), false);
    assert.equal(isValidPublicKey(Uint8Array.of(1, ...new Uint8Array(31))), false);
    assert.equal(isValidPublicKey(new Uint8Array(33)), false);
  });
});

describe('small-order keys', () => {
  // The eight points of order dividing 8: the multiples of a point of order 8.
  const order8 = ed25519.Point.fromHex(
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  );
  const torsion = Array.from({ length: 8 }, (_, i) =>
    i === 0 ? ed25519.Point.ZERO : order8.multiply(BigInt(i)),
  );

  it('are recognised in every encoding: canonical, with the sign bit flipped, and y + p', () => {
    for (const point of torsion) {
      const raw = point.toBytes();
      assert.equal(isSmallOrderEncoding(raw), true);
      const flipped = Uint8Array.from(raw);
      flipped[31]! ^= 0x80;
      assert.equal(isSmallOrderEncoding(flipped), true);
    }
    // y = p + 1 is a non-canonical spelling of y = 1, the identity.
    const p = 2n ** 255n - 19n;
    const nonCanonical = Uint8Array.from({ length: 32 }, (_, i) =>
      Number(((p + 1n) >> BigInt(8 * i)) & 0xffn),
    );
    assert.equal(isSmallOrderEncoding(nonCanonical), true);
  });

  it('cannot sign: every check with such a key fails, though one signature would fit any message', async () => {
    // With A the identity, (R, S) = (r·B, r) satisfies S·B = R + k·A for every message.
    const identity = ed25519.Point.ZERO.toBytes();
    const r = 7n;
    const signature = new Uint8Array(64);
    signature.set(ed25519.Point.BASE.multiply(r).toBytes(), 0);
    signature[32] = Number(r);
    assert.equal(await verifySignature(identity, utf8('any message'), signature), false);
    assert.equal(isValidPublicKey(identity), false);
  });

  it('are never confused with real keys', async () => {
    for (let i = 0; i < 64; i++) {
      const key = await generateKeyPair('Ed25519');
      assert.equal(isSmallOrderEncoding(publicKeyOf(key)), false);
      assert.equal(isValidPublicKey(publicKeyOf(key)), true);
    }
  });
});

/**
 * Signed objects and keys (objects/signed.ts, keys.ts): the id is H(kind tag, body), the
 * signature is Ed25519 over the id, and identities are libp2p Ed25519 keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
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
  isValidPublicKey,
  peerIdOf,
  publicKeyFromPeerId,
  publicKeyOf,
  signMessage,
  TAG,
  taggedHash,
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

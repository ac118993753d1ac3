// The gossip validators over a real store, without a network: what each topic stores, and
// the code it refuses each kind of bad message with.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  encodeEntry,
  encodeSigned,
  entryHash,
  type Hash,
  hashHex,
  idOf,
  isProtocolError,
  type LogEntry,
  TARGET,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import type { Store } from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { isGossipError } from './errors.ts';
import {
  type ValidationModules,
  validateGossipAttestation,
  validateGossipCandidate,
  validateGossipCommitment,
  validateGossipEntry,
  validateGossipTarget,
} from './validation/index.ts';

const stores: Store[] = [];
after(() => Promise.all(stores.map((s) => s.close())));

/** A store holding the fixture's target and entry 0, and the entry that extends it. */
async function setup(options: { name?: string } = {}) {
  const fixture = await makeFixture({ name: options.name ?? 'gossip-validation' });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis();
  const e1 = await chain.extend(genesis, entryHash(genesis));
  const { store } = await openFreshStore('gossip');
  stores.push(store);
  await store.targets.put(fixture.target);
  await store.entries.add(genesis);
  let clock = Date.now();
  const modules: ValidationModules = { store, now: () => clock };
  const setClock = (ms: number) => {
    clock = ms;
  };
  const message = (data: Uint8Array) => ({ data, topicTarget: fixture.targetId });
  return { fixture, chain, genesis, e1, store, modules, message, setClock };
}

/** The code a validation fails with, or `accept`. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'accept';
  } catch (err) {
    if (isProtocolError(err) || isGossipError(err)) return err.code;
    throw err;
  }
}

/** The same bytes with one bit of the signature (the last 64 bytes) flipped. */
function badlySigned(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 10]! ^= 0x01;
  return copy;
}

/** An entry whose first attestation's signature has one bit flipped. */
function entryWithBadAttestation(entry: LogEntry): LogEntry {
  const [first, ...rest] = entry.attestations;
  const signature = Uint8Array.from(first!.signature);
  signature[5]! ^= 0x01;
  return { ...entry, attestations: [{ ...first!, signature }, ...rest] };
}

describe('gossip validation of entries', () => {
  it('stores a valid entry through fork choice, which makes it the head', async () => {
    const { e1, store, modules, message } = await setup();
    const accepted = await validateGossipEntry(modules, message(encodeEntry(e1)));
    assert.equal(hashHex(accepted.hash), hashHex(entryHash(e1)));
    assert.equal(accepted.stored.headChanged, true);
    assert.equal(hashHex((await store.entries.head(e1.target))!.head), hashHex(entryHash(e1)));
  });

  it('ignores an entry it already holds as a duplicate', async () => {
    const { genesis, modules, message } = await setup();
    assert.equal(
      await outcome(validateGossipEntry(modules, message(encodeEntry(genesis)))),
      'duplicate',
    );
  });

  it('ignores an entry on an unknown parent and asks to sync that target', async () => {
    const { chain, e1, store, modules, message } = await setup();
    const e2 = await chain.extend(e1, entryHash(e1));
    const asked: Hash[] = [];
    const hooks = { onUnknownParent: (target: Hash) => asked.push(target) };
    const code = await outcome(validateGossipEntry(modules, message(encodeEntry(e2)), hooks));
    assert.equal(code, 'unknown_parent');
    assert.deepEqual(asked.map(hashHex), [hashHex(e2.target)]);
    assert.equal(await store.entries.has(entryHash(e2)), false);
  });

  it('rejects an entry with a badly signed attestation and stores nothing', async () => {
    const { e1, store, modules, message } = await setup();
    const bad = entryWithBadAttestation(e1);
    assert.equal(
      await outcome(validateGossipEntry(modules, message(encodeEntry(bad)))),
      'bad_signature',
    );
    assert.equal(await store.entries.has(entryHash(bad)), false);
    assert.equal(await store.entries.count(e1.target), 1);
  });

  it("rejects an entry on another target's topic", async () => {
    const { e1, modules } = await setup();
    const other = new Uint8Array(32).fill(9);
    const code = await outcome(
      validateGossipEntry(modules, { data: encodeEntry(e1), topicTarget: other }),
    );
    assert.equal(code, 'topic_mismatch');
  });

  it('rejects malformed bytes with the decoder’s code, and oversized ones before decoding', async () => {
    const { modules, message } = await setup();
    assert.equal(
      await outcome(validateGossipEntry(modules, message(Uint8Array.of(6, 1, 1)))),
      'decode_truncated',
    );
    assert.equal(
      await outcome(validateGossipEntry(modules, message(Uint8Array.of(0xee, 1)))),
      'decode_unknown_kind',
    );
    const huge = new Uint8Array(1024 * 1024 + 1);
    assert.equal(await outcome(validateGossipEntry(modules, message(huge))), 'decode_too_large');
  });
});

describe('gossip validation of candidates, commitments and attestations', () => {
  it('stores a valid candidate on the head as pending, with its receipt time', async () => {
    const { e1, store, modules, message, setClock } = await setup();
    setClock(1_800_000_000_000);
    const accepted = await validateGossipCandidate(
      modules,
      message(encodeSigned(CANDIDATE, e1.candidate)),
    );
    const stored = await store.candidates.get(accepted.id);
    assert.equal(stored?.status, 'pending');
    assert.equal(stored?.receivedAt, 1_800_000_000_000);
  });

  it('rejects a badly signed candidate and stores nothing', async () => {
    const { e1, store, modules, message } = await setup();
    const bytes = badlySigned(encodeSigned(CANDIDATE, e1.candidate));
    assert.equal(await outcome(validateGossipCandidate(modules, message(bytes))), 'bad_signature');
    assert.equal(await store.candidates.get(idOf(CANDIDATE, e1.candidate)), undefined);
  });

  it('ignores a candidate that does not build on the current head as stale', async () => {
    const { chain, e1, store, modules, message } = await setup();
    await store.entries.add(e1);
    const e2 = await chain.extend(e1, entryHash(e1));
    await store.entries.add(e2);
    // e1's candidate builds on entry 0, but the head is now entry 2.
    const bytes = encodeSigned(CANDIDATE, e1.candidate);
    assert.equal(await outcome(validateGossipCandidate(modules, message(bytes))), 'stale_parent');
  });

  it('ignores a commitment signed too far in the future, then stores it once the clock catches up', async () => {
    const { e1, store, modules, message, setClock } = await setup();
    const commitment = e1.credit.commitment;
    const bytes = encodeSigned(COMMITMENT, commitment);
    setClock(commitment.createdAt - 121_000);
    assert.equal(await outcome(validateGossipCommitment(modules, message(bytes))), 'from_future');
    setClock(commitment.createdAt + 5);
    const accepted = await validateGossipCommitment(modules, message(bytes));
    assert.equal((await store.commitments.get(accepted.id))?.receivedAt, commitment.createdAt + 5);
    assert.equal(await outcome(validateGossipCommitment(modules, message(bytes))), 'duplicate');
  });

  it('ignores an attestation of a candidate it does not hold, and stores it once it does', async () => {
    const { e1, store, modules, message } = await setup();
    const bytes = encodeSigned(ATTESTATION, e1.attestations[0]!);
    assert.equal(
      await outcome(validateGossipAttestation(modules, message(bytes))),
      'unknown_candidate',
    );
    await store.candidates.put(e1.candidate, Date.now());
    const accepted = await validateGossipAttestation(modules, message(bytes));
    assert.ok(await store.attestations.getBytes(accepted.id));
    const badBytes = badlySigned(encodeSigned(ATTESTATION, e1.attestations[1]!));
    assert.equal(
      await outcome(validateGossipAttestation(modules, message(badBytes))),
      'bad_signature',
    );
  });
});

describe('gossip validation of targets', () => {
  it('stores a valid new target, and ignores it the second time', async () => {
    const { modules } = await setup();
    const other = await makeFixture({ name: 'another-target' });
    const bytes = encodeSigned(TARGET, other.target);
    const accepted = await validateGossipTarget(modules, bytes);
    assert.equal(hashHex(accepted.id), hashHex(other.targetId));
    assert.ok(await modules.store.targets.has(other.targetId));
    assert.equal(await outcome(validateGossipTarget(modules, bytes)), 'duplicate');
  });

  it('rejects a badly signed target and stores nothing', async () => {
    const { modules } = await setup();
    const other = await makeFixture({ name: 'forged-target' });
    const bytes = badlySigned(encodeSigned(TARGET, other.target));
    assert.equal(await outcome(validateGossipTarget(modules, bytes)), 'bad_signature');
    assert.equal(await modules.store.targets.has(other.targetId), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashHex, LIMITS } from '@nightshift/protocol';
import {
  MAX_MESSAGE_BYTES,
  MAX_RPC_BYTES,
  parseTopic,
  TARGET_TOPIC_KINDS,
  TARGETS_TOPIC,
  targetTopic,
  topicsOfTarget,
} from './topics.ts';

const id = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

describe('gossip topics', () => {
  it('name one topic for new targets and four per target, by the target id in hex', () => {
    assert.equal(TARGETS_TOPIC, '/nightshift/1/targets');
    const hex = hashHex(id);
    assert.deepEqual(topicsOfTarget(id), [
      `/nightshift/1/${hex}/commitments`,
      `/nightshift/1/${hex}/candidates`,
      `/nightshift/1/${hex}/attestations`,
      `/nightshift/1/${hex}/entries`,
    ]);
  });

  it('parse back to what they carry and for which target', () => {
    assert.deepEqual(parseTopic(TARGETS_TOPIC), { kind: 'targets' });
    for (const kind of TARGET_TOPIC_KINDS) {
      assert.deepEqual(parseTopic(targetTopic(id, kind)), { kind, targetId: id });
    }
  });

  it('refuse to parse names that are not nightshift topics', () => {
    const hex = hashHex(id);
    for (const name of [
      '/nightshift/2/targets',
      `/nightshift/1/${hex}/blobs`,
      `/nightshift/1/${hex.slice(2)}/entries`,
      `/nightshift/1/${hex.toUpperCase()}/entries`,
      `/nightshift/1/${hex}/entries/x`,
      `x/nightshift/1/${hex}/entries`,
      '',
    ]) {
      assert.equal(parseTopic(name), undefined, name);
    }
  });

  it("bound each topic's messages by its object kind's size limit", () => {
    assert.deepEqual(MAX_MESSAGE_BYTES, {
      targets: LIMITS.targetBytes,
      commitments: LIMITS.commitmentBytes,
      candidates: LIMITS.candidateBytes,
      attestations: LIMITS.attestationBytes,
      entries: LIMITS.entryBytes,
    });
    assert.equal(MAX_RPC_BYTES, 2 * LIMITS.entryBytes);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePeerScoreParams, validatePeerScoreThresholds } from '@libp2p/gossipsub/score';
import {
  gossipsubOptions,
  LOOPBACK_SCORING,
  peerScoreParams,
  SCORE_THRESHOLDS,
  topicScoreParams,
} from './scoring.ts';
import { MAX_RPC_BYTES, TARGETS_TOPIC } from './topics.ts';

/** The score of a peer with the best standing possible and `invalid` REJECTs on one topic. */
function scoreAfter(invalid: number): number {
  const params = peerScoreParams();
  const topic = topicScoreParams();
  const penalty = topic.topicWeight * topic.invalidMessageDeliveriesWeight * invalid ** 2;
  return params.topicScoreCap + penalty;
}

describe('gossip peer scoring', () => {
  it("passes gossipsub's own checks, in production and on loopback", () => {
    validatePeerScoreParams(peerScoreParams());
    validatePeerScoreParams(peerScoreParams(LOOPBACK_SCORING));
    validatePeerScoreThresholds(SCORE_THRESHOLDS);
  });

  it('puts a peer below zero with one invalid message and graylists it by the third', () => {
    // Even a peer that earned the most a peer can (the cap) cannot absorb more than that.
    assert.ok(scoreAfter(1) <= SCORE_THRESHOLDS.gossipThreshold);
    assert.ok(scoreAfter(2) < SCORE_THRESHOLDS.publishThreshold);
    assert.ok(scoreAfter(3) < SCORE_THRESHOLDS.graylistThreshold);
  });

  it('does not punish silence: no mesh delivery quota on quiet topics', () => {
    const topic = topicScoreParams();
    assert.equal(topic.meshMessageDeliveriesWeight, 0);
    assert.equal(topic.meshFailurePenaltyWeight, 0);
  });

  it('penalises many peers on one IP by default, and not on loopback', () => {
    assert.ok(peerScoreParams().IPColocationFactorWeight < 0);
    assert.equal(peerScoreParams(LOOPBACK_SCORING).IPColocationFactorWeight, 0);
  });

  it('gives the host its thresholds, the targets topic and the RPC size bound', () => {
    const options = gossipsubOptions(LOOPBACK_SCORING);
    assert.deepEqual(options.scoreThresholds, SCORE_THRESHOLDS);
    assert.ok(options.scoreParams?.topics?.[TARGETS_TOPIC]);
    assert.equal(options.maxInboundDataLength, MAX_RPC_BYTES);
  });
});

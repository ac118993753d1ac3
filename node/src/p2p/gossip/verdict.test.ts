import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicValidatorResult } from '@libp2p/gossipsub';
import { ERROR_CODES, type ErrorCode, ProtocolError } from '@nightshift/protocol';
import { StoreError } from '@nightshift/store';
import { GOSSIP_ERROR_CODES, GossipError, type GossipErrorCode } from './errors.ts';
import { GossipMetrics } from './metrics.ts';
import { toVerdict } from './verdict.ts';

function judge(outcome: unknown) {
  const metrics = new GossipMetrics();
  const warnings: unknown[] = [];
  const logger = { warn: (_message: string, error?: unknown) => warnings.push(error) };
  const result = toVerdict(outcome, { metrics, logger, topic: 'entries' });
  return { result, metrics, warnings };
}

const EXPECTED = {
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
} as const;

describe('toVerdict', () => {
  it('accepts a message whose validation found nothing wrong, and counts it', () => {
    const { result, metrics } = judge(undefined);
    assert.equal(result, TopicValidatorResult.Accept);
    assert.equal(metrics.get('accept'), 1);
    assert.deepEqual(metrics.snapshot().verdicts, { accept: 1, ignore: 0, reject: 0 });
  });

  it('maps every protocol error code by its action, and counts the code', () => {
    for (const [code, action] of Object.entries(ERROR_CODES)) {
      const { result, metrics } = judge(new ProtocolError(code as ErrorCode));
      assert.equal(result, EXPECTED[action], code);
      assert.equal(metrics.get(code), 1, code);
      assert.equal(metrics.snapshot().verdicts[action], 1, code);
    }
  });

  it('rejects what is provably invalid and ignores what is stale, a duplicate or early', () => {
    assert.equal(judge(new ProtocolError('decode_truncated')).result, TopicValidatorResult.Reject);
    assert.equal(judge(new ProtocolError('bad_signature')).result, TopicValidatorResult.Reject);
    assert.equal(
      judge(new ProtocolError('claim_not_improvement')).result,
      TopicValidatorResult.Reject,
    );
    assert.equal(judge(new ProtocolError('duplicate')).result, TopicValidatorResult.Ignore);
    assert.equal(judge(new ProtocolError('stale_parent')).result, TopicValidatorResult.Ignore);
    assert.equal(judge(new ProtocolError('unknown_parent')).result, TopicValidatorResult.Ignore);
    assert.equal(judge(new ProtocolError('from_future')).result, TopicValidatorResult.Ignore);
  });

  it("maps the gossip layer's own codes by their action", () => {
    for (const [code, action] of Object.entries(GOSSIP_ERROR_CODES)) {
      const { result, metrics } = judge(new GossipError(code as GossipErrorCode));
      assert.equal(result, EXPECTED[action], code);
      assert.equal(metrics.get(code), 1, code);
    }
    assert.equal(judge(new GossipError('topic_mismatch')).result, TopicValidatorResult.Reject);
  });

  it("ignores a store failure without blaming the sender, counted under the store's code", () => {
    const { result, metrics, warnings } = judge(new StoreError('store_locked', 'in use'));
    assert.equal(result, TopicValidatorResult.Ignore);
    assert.equal(metrics.get('store_store_locked'), 1);
    assert.equal(warnings.length, 0);
  });

  it('ignores and logs an unexpected exception as an internal error', () => {
    const bug = new TypeError('undefined is not a function');
    const { result, metrics, warnings } = judge(bug);
    assert.equal(result, TopicValidatorResult.Ignore);
    assert.equal(metrics.get('internal_error'), 1);
    assert.deepEqual(warnings, [bug]);
  });

  it('does not take an error that merely looks like a protocol error for one', () => {
    const impostor = Object.assign(new Error('bad_signature'), { code: 'bad_signature' });
    assert.equal(judge(impostor).result, TopicValidatorResult.Ignore);
  });

  it('counts per topic kind as well as per code', () => {
    const metrics = new GossipMetrics();
    const logger = { warn: () => {} };
    toVerdict(undefined, { metrics, logger, topic: 'entries' });
    toVerdict(new ProtocolError('duplicate'), { metrics, logger, topic: 'entries' });
    toVerdict(new ProtocolError('bad_signature'), { metrics, logger, topic: 'candidates' });
    assert.deepEqual(metrics.snapshot(), {
      verdicts: { accept: 1, ignore: 1, reject: 1 },
      codes: { accept: 1, duplicate: 1, bad_signature: 1 },
      byTopic: { entries: { accept: 1, duplicate: 1 }, candidates: { bad_signature: 1 } },
    });
  });
});

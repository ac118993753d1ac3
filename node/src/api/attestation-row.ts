// An attestation as the API shows it: who judged which candidate, how, and what they measured.
import { type Attestation, type Hash, hashHex } from '@nightshift/protocol';

export function attestationRow(id: Hash, a: Attestation) {
  return {
    id: hashHex(id),
    target: hashHex(a.target),
    candidate: hashHex(a.candidate),
    verifier: hashHex(a.verifier),
    verdict: a.verdict,
    reason: a.reason,
    ...(a.metric !== undefined && { metric: a.metric }),
    runs: a.runs,
    runtimeMs: a.runtimeMs,
    createdAt: a.createdAt,
  };
}

export const attestationRowSchema = {
  type: 'object',
  required: [
    'id',
    'target',
    'candidate',
    'verifier',
    'verdict',
    'reason',
    'runs',
    'runtimeMs',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    target: { type: 'string' },
    candidate: { type: 'string' },
    verifier: { type: 'string' },
    verdict: { type: 'string', enum: ['accept', 'reject'] },
    reason: { type: 'string' },
    metric: { type: 'number' },
    runs: { type: 'array', items: { type: 'number' } },
    runtimeMs: { type: 'integer' },
    createdAt: { type: 'integer' },
  },
} as const;

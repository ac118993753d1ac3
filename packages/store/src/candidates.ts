/**
 * Candidates with their place in the verification pipeline. A status record says where a
 * candidate stands and why; the status index lists candidates by status (then target), and
 * both change in the same batch. Statuses move only along TRANSITIONS.
 */
import {
  CANDIDATE,
  type Candidate,
  decodeSigned,
  encodeSigned,
  type Hash,
  hashHex,
} from '@nightshift/protocol';
import { Batch, type Database, type Sublevels } from './database.ts';
import { StoreError } from './errors.ts';
import { EMPTY, prefixRange, STATUS_BYTE, statusKey } from './keys.ts';
import type { Mutex } from './mutex.ts';
import {
  type CandidateStatus,
  type CandidateStatusRecord,
  decodeRecord,
  encodeRecord,
} from './records.ts';

/**
 * Where a status may go next. `verifying` may fall back to `pending` (a verifier restarted
 * mid-run); accepted, rejected and stale are final: a stale candidate's author rebases and
 * sends a new candidate.
 */
export const TRANSITIONS: Readonly<Record<CandidateStatus, readonly CandidateStatus[]>> = {
  pending: ['verifying', 'rejected', 'stale'],
  verifying: ['pending', 'accepted', 'rejected', 'stale'],
  accepted: [],
  rejected: [],
  stale: [],
};

export interface StoredCandidate extends CandidateStatusRecord {
  candidate: Candidate;
  id: Hash;
}

export class CandidateRepository {
  private readonly sub: Sublevels;

  constructor(
    private readonly database: Database,
    private readonly lock: Mutex,
  ) {
    this.sub = database.sub;
  }

  /** Stores a candidate as `pending`; storing it again changes nothing. */
  put(candidate: Candidate, receivedAt: number) {
    return this.putBytes(encodeSigned(CANDIDATE, candidate), receivedAt);
  }

  /** Stores canonical candidate bytes (refused with a ProtocolError unless they decode). */
  putBytes(bytes: Uint8Array, receivedAt: number): Promise<StoredCandidate & { added: boolean }> {
    const { value: candidate, id } = decodeSigned(CANDIDATE, bytes);
    return this.lock.run(async () => {
      const known = await this.status(id);
      if (known) return { candidate, id, ...known, added: false };
      const record: CandidateStatusRecord = {
        status: 'pending',
        reason: '',
        receivedAt,
        updatedAt: receivedAt,
      };
      await new Batch(this.database.db)
        .put(this.sub.candidate, id, bytes)
        .put(this.sub.candidateStatus, id, encodeRecord('candidateStatus', record))
        .put(
          this.sub.candidateByStatus,
          statusKey(STATUS_BYTE.pending, candidate.target, id),
          EMPTY,
        )
        .write();
      return { candidate, id, ...record, added: true };
    });
  }

  /**
   * Moves a candidate to `status` with a reason code, atomically with its index entry.
   * `from`, when given, must be the current status (a compare-and-set for workers that
   * read, then decide).
   */
  setStatus(
    id: Hash,
    status: CandidateStatus,
    change: { reason: string; now: number; from?: CandidateStatus },
  ): Promise<CandidateStatusRecord> {
    return this.lock.run(async () => {
      const bytes = await this.sub.candidate.get(id);
      const current = await this.status(id);
      if (!bytes || !current) throw new StoreError('unknown_candidate', hashHex(id));
      if (change.from !== undefined && change.from !== current.status) {
        throw new StoreError('invalid_transition', `is ${current.status}, not ${change.from}`);
      }
      if (!TRANSITIONS[current.status].includes(status)) {
        throw new StoreError('invalid_transition', `${current.status} -> ${status}`);
      }
      const { target } = decodeSigned(CANDIDATE, bytes).value;
      const record: CandidateStatusRecord = {
        ...current,
        status,
        reason: change.reason,
        updatedAt: change.now,
      };
      await new Batch(this.database.db)
        .put(this.sub.candidateStatus, id, encodeRecord('candidateStatus', record))
        .del(this.sub.candidateByStatus, statusKey(STATUS_BYTE[current.status], target, id))
        .put(this.sub.candidateByStatus, statusKey(STATUS_BYTE[status], target, id), EMPTY)
        .write();
      return record;
    });
  }

  async get(id: Hash): Promise<StoredCandidate | undefined> {
    const bytes = await this.sub.candidate.get(id);
    const status = await this.status(id);
    if (!bytes || !status) return undefined;
    return { candidate: decodeSigned(CANDIDATE, bytes).value, id, ...status };
  }

  getBytes(id: Hash): Promise<Uint8Array | undefined> {
    return this.sub.candidate.get(id);
  }

  async status(id: Hash): Promise<CandidateStatusRecord | undefined> {
    const bytes = await this.sub.candidateStatus.get(id);
    if (!bytes) return undefined;
    const record = decodeRecord('candidateStatus', bytes);
    if (!(record.status in STATUS_BYTE)) {
      throw new StoreError('corrupt_record', `candidate status ${record.status}`);
    }
    return record;
  }

  /** The ids of the candidates in `status`, of one target or of all, by target then id. */
  async *withStatus(status: CandidateStatus, target?: Hash): AsyncIterable<Hash> {
    const prefix = Uint8Array.of(STATUS_BYTE[status]);
    const range = prefixRange(target ? statusKey(STATUS_BYTE[status], target, EMPTY) : prefix);
    for await (const key of this.sub.candidateByStatus.keys(range)) yield key.slice(33);
  }
}

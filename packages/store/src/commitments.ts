/**
 * Commitments, with the local time this node first received each: the credit rule trusts
 * receipt time over the author's stated time. Indexed by commitment value, so that when a
 * candidate reveals (tree, author, salt), the commitments it opens are one prefix scan away.
 */
import {
  COMMITMENT,
  type Commitment,
  decodeSigned,
  encodeSigned,
  type Hash,
} from '@nightshift/protocol';
import { Batch, type Database, type Sublevels } from './database.ts';
import { commitmentByValueKey, EMPTY, prefixRange } from './keys.ts';
import type { Mutex } from './mutex.ts';
import { decodeRecord, encodeRecord } from './records.ts';

export interface StoredCommitment {
  commitment: Commitment;
  id: Hash;
  /** Local time of first receipt, in ms. */
  receivedAt: number;
}

export class CommitmentRepository {
  private readonly sub: Sublevels;

  constructor(
    private readonly database: Database,
    private readonly lock: Mutex,
  ) {
    this.sub = database.sub;
  }

  /** Stores a commitment received at `receivedAt`; a later receipt keeps the first time. */
  put(commitment: Commitment, receivedAt: number) {
    return this.putBytes(encodeSigned(COMMITMENT, commitment), receivedAt);
  }

  /** Stores canonical commitment bytes (refused with a ProtocolError unless they decode). */
  putBytes(bytes: Uint8Array, receivedAt: number): Promise<StoredCommitment & { added: boolean }> {
    const { value: commitment, id } = decodeSigned(COMMITMENT, bytes);
    return this.lock.run(async () => {
      const known = await this.receiptOf(id);
      if (known !== undefined) return { commitment, id, receivedAt: known, added: false };
      await new Batch(this.database.db)
        .put(this.sub.commitment, id, bytes)
        .put(this.sub.commitmentReceipt, id, encodeRecord('receipt', { receivedAt }))
        .put(this.sub.commitmentByValue, commitmentByValueKey(commitment.value, id), EMPTY)
        .write();
      return { commitment, id, receivedAt, added: true };
    });
  }

  async get(id: Hash): Promise<StoredCommitment | undefined> {
    const bytes = await this.sub.commitment.get(id);
    const receivedAt = await this.receiptOf(id);
    if (!bytes || receivedAt === undefined) return undefined;
    return { commitment: decodeSigned(COMMITMENT, bytes).value, id, receivedAt };
  }

  getBytes(id: Hash): Promise<Uint8Array | undefined> {
    return this.sub.commitment.get(id);
  }

  /** Every stored commitment with this value (normally one), in id order. */
  async byValue(value: Hash): Promise<StoredCommitment[]> {
    const out: StoredCommitment[] = [];
    for await (const key of this.sub.commitmentByValue.keys(prefixRange(value))) {
      const stored = await this.get(key.slice(value.length));
      if (stored) out.push(stored);
    }
    return out;
  }

  private async receiptOf(id: Hash): Promise<number | undefined> {
    const bytes = await this.sub.commitmentReceipt.get(id);
    return bytes && decodeRecord('receipt', bytes).receivedAt;
  }
}

/** Attestations by id, indexed by the candidate they judge, then by verifier. */
import {
  ATTESTATION,
  type Attestation,
  decodeSigned,
  encodeSigned,
  type Hash,
  PUBLIC_KEY_LENGTH,
} from '@nightshift/protocol';
import { Batch, type Database, type Sublevels } from './database.ts';
import { attestationByCandidateKey, EMPTY, prefixRange } from './keys.ts';

export interface StoredAttestation {
  attestation: Attestation;
  id: Hash;
}

export class AttestationRepository {
  private readonly sub: Sublevels;

  constructor(private readonly database: Database) {
    this.sub = database.sub;
  }

  /** Stores an attestation; storing it again changes nothing. Returns its id. */
  put(attestation: Attestation): Promise<Hash> {
    return this.putBytes(encodeSigned(ATTESTATION, attestation));
  }

  /** Stores canonical attestation bytes (refused with a ProtocolError unless they decode). */
  async putBytes(bytes: Uint8Array): Promise<Hash> {
    const { value, id } = decodeSigned(ATTESTATION, bytes);
    const indexKey = attestationByCandidateKey(value.candidate, value.verifier, id);
    await new Batch(this.database.db)
      .put(this.sub.attestation, id, bytes)
      .put(this.sub.attestationByCandidate, indexKey, EMPTY)
      .write();
    return id;
  }

  async get(id: Hash): Promise<Attestation | undefined> {
    const bytes = await this.sub.attestation.get(id);
    return bytes && decodeSigned(ATTESTATION, bytes).value;
  }

  getBytes(id: Hash): Promise<Uint8Array | undefined> {
    return this.sub.attestation.get(id);
  }

  /**
   * The attestations of a candidate, by verifier key (a verifier that signed two verdicts
   * on one candidate shows up twice: both are evidence).
   */
  async byCandidate(candidate: Hash): Promise<StoredAttestation[]> {
    const out: StoredAttestation[] = [];
    for await (const key of this.sub.attestationByCandidate.keys(prefixRange(candidate))) {
      const id = key.slice(candidate.length + PUBLIC_KEY_LENGTH);
      const attestation = await this.get(id);
      if (attestation) out.push({ attestation, id });
    }
    return out;
  }
}

/**
 * Commit-reveal and credit (PROTOCOL.md §6.7, §7.5). A candidate opens its author's
 * commitment; the credit for its tree goes to the earliest commitment that opens to the tree,
 * which may be another author's: whoever copies a revealed tree commits later. Commitments
 * are found by value, and a value hides its tree, so the openings of a tree (author and
 * salt) are learnt from the candidates that revealed it: `RevealedTrees` keeps them.
 */
import {
  type Candidate,
  type Commitment,
  commitmentValue,
  creditedOpening,
  equalBytes,
  type Hash,
  hashHex,
  type Opening,
  type PublicKeyBytes,
  revealedValue,
  type Target,
} from '@nightshift/protocol';
import type { Store, StoredCommitment } from '@nightshift/store';
import { storedCandidates } from './stored-candidates.ts';

/** The commitment credited with a tree: an attestation names it, an entry embeds it. */
export interface Credit {
  commitmentId: Hash;
  author: PublicKeyBytes;
  commitment: Commitment;
  /** Opens the commitment to the tree (an entry's `credit.salt`). */
  salt: Uint8Array;
  /** When this node first received the commitment: what the credit rule orders by. */
  receivedAt: number;
}

interface Reveal {
  author: PublicKeyBytes;
  salt: Uint8Array;
}

/** Who revealed each (target, tree), with the salt: learnt from candidates as they come. */
export class RevealedTrees {
  private readonly reveals = new Map<string, Map<string, Reveal>>();

  /**
   * The reveals of every stored candidate, whatever its status, of the targets this verifier
   * serves: one pass over the store, when a verifier starts.
   */
  static async load(store: Store, serves: (target: Target) => boolean): Promise<RevealedTrees> {
    const index = new RevealedTrees();
    const statuses = ['pending', 'verifying', 'accepted', 'rejected', 'stale'] as const;
    for await (const { candidate } of storedCandidates(store, statuses, serves)) {
      index.note(candidate);
    }
    return index;
  }

  note(candidate: Candidate): void {
    const key = treeKey(candidate.target, candidate.tree);
    const reveals = this.reveals.get(key) ?? new Map<string, Reveal>();
    this.reveals.set(key, reveals);
    reveals.set(hashHex(revealedValue(candidate)), {
      author: candidate.author,
      salt: candidate.salt,
    });
  }

  of(target: Hash, tree: Hash): Reveal[] {
    return [...(this.reveals.get(treeKey(target, tree))?.values() ?? [])];
  }
}

const treeKey = (target: Hash, tree: Hash) => `${hashHex(target)}/${hashHex(tree)}`;

/** The author's own commitment that the candidate opens, the first received if several. */
export async function authorCommitment(
  store: Store,
  candidate: Candidate,
): Promise<StoredCommitment | undefined> {
  const found = await store.commitments.byValue(revealedValue(candidate));
  return found
    .filter(
      (c) =>
        equalBytes(c.commitment.author, candidate.author) &&
        equalBytes(c.commitment.target, candidate.target),
    )
    .sort((a, b) => a.receivedAt - b.receivedAt)[0];
}

/** The credited commitment for the candidate's tree, among every opening this node knows. */
export async function creditFor(
  store: Store,
  candidate: Candidate,
  reveals: readonly Reveal[],
): Promise<Credit | undefined> {
  const openings: Opening[] = [];
  for (const { author, salt } of reveals) {
    for (const stored of await store.commitments.byValue(
      commitmentValue(candidate.tree, author, salt),
    )) {
      openings.push({ ...stored, salt });
    }
  }
  const best = creditedOpening(candidate.target, candidate.tree, openings);
  return best && toCredit(best);
}

/** Of two credits for one tree, the one the credit rule prefers. */
export function earlierCredit(target: Hash, tree: Hash, a: Credit, b: Credit): Credit {
  const best = creditedOpening(target, tree, [toOpening(a), toOpening(b)]);
  return best && equalBytes(best.id, b.commitmentId) ? b : a;
}

function toCredit({ commitment, id, salt, receivedAt }: Opening): Credit {
  return { commitmentId: id, author: commitment.author, commitment, salt, receivedAt };
}

function toOpening({ commitment, commitmentId, salt, receivedAt }: Credit): Opening {
  return { commitment, id: commitmentId, salt, receivedAt };
}

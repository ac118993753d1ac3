/**
 * The cheap checks before any run (issue 6 §3; DESIGN.md, "spam and sybils"). Each failure
 * is a reason code (reasons.ts) stored with the candidate for its author to see. Order:
 *
 * 1. the signature, first, so that every later failure is the author's own: rate limits,
 *    bans and reputation are charged to a key that really signed;
 * 2. the target is known and lists this verifier's key (else skipped silently); a baseline
 *    candidate (entry 0) is checked like any other, with no parent to beat and no entry 0
 *    yet (after entry 0 it is stale);
 * 3. protocol's candidate checks (§6.4): not from the future, printable description, known
 *    parent of the same target, a claim that beats it by minDelta, and a parent that is the
 *    canonical head (else `stale_parent`, so the author rebases);
 * 4. the author's commitment is known and preceded the reveal by revealDelayMs (§6.7); the
 *    credit goes to the earliest commitment for the tree (§7.5);
 * 5. the author is not banned and within its rate limit;
 * 6. last, the trees, since they may have to be fetched (`tree_missing`): only mutable paths
 *    changed (§6.4), and what changed is within this verifier's size bound. (Issue 6 lists
 *    them before the claim; a stale or short claim should not cost a fetch.)
 * A token of the rate limit is taken only when every check passed, so a candidate that waits
 * for its tree is not charged twice.
 */
import {
  CANDIDATE,
  type Candidate,
  type Hash,
  hashHex,
  hasValidSignature,
  isBaseline,
  isListedVerifier,
  type PublicKeyBytes,
  type Target,
  validateCandidate,
  validateReveal,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { authorCommitment, type Credit, creditFor, RevealedTrees } from './credit.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { failure, fromProtocolError } from './reasons.ts';
import type { ReputationPolicy } from './reputation-policy.ts';
import { checkTrees, type TreeFailure } from './tree-checks.ts';

export interface PrecheckOptions {
  /** Bytes a candidate may add or change over its parent's tree: what this verifier fetches. */
  maxNewBytes: number;
  rateLimit: Partial<RateLimitOptions>;
}

export const DEFAULT_PRECHECKS: PrecheckOptions = { maxNewBytes: 256 * 1024 * 1024, rateLimit: {} };

export interface PrecheckModules {
  store: Store;
  /** This verifier's public key: only targets that list it are its work. */
  key: PublicKeyBytes;
  reputation: ReputationPolicy;
  now: () => number;
}

export interface Passed {
  ok: true;
  /** The earliest commitment for the tree: the author to credit, whoever sent the candidate. */
  credit: Credit;
  /** How much the claim beats the head by, in metric units (positive, direction-aware). */
  improvement: number;
  target: Target;
}

export type PrecheckResult = Passed | TreeFailure;

/** A candidate as stored: its id and this node's time of first receipt. */
export interface Received {
  id: Hash;
  candidate: Candidate;
  receivedAt: number;
}

export class Prechecks {
  private readonly options: PrecheckOptions;
  private readonly limiter: RateLimiter;
  private revealed?: Promise<RevealedTrees>;

  constructor(
    options: Partial<PrecheckOptions>,
    private readonly modules: PrecheckModules,
  ) {
    this.options = { ...DEFAULT_PRECHECKS, ...options };
    this.limiter = new RateLimiter(this.options.rateLimit, modules);
  }

  async check({ id, candidate, receivedAt }: Received): Promise<PrecheckResult> {
    const { store, reputation } = this.modules;
    const now = this.modules.now();
    const target = await store.targets.get(candidate.target);
    const parent = isBaseline(candidate) ? undefined : await store.entries.get(candidate.parent);
    const head = (await store.entries.head(candidate.target))?.head;

    // validateCandidate checks the signature last, after its cheap checks. Calling it first
    // and letting a bad signature win over whatever it found puts the signature first with
    // one verification, not two.
    const error = await validateCandidate(candidate, { target, parent, head, now, id });
    const signed =
      error === undefined ||
      (error.code !== 'bad_signature' && (await hasValidSignature(CANDIDATE, candidate, id)));
    if (!signed) return failure('bad_signature', 'the author signature does not verify');
    if (!target) return failure('unknown_target');
    if (!this.serves(target)) return failure('not_our_target');
    // Whatever becomes of it, a signed candidate reveals who committed to its tree.
    const revealed = await this.revealedTrees();
    revealed.note(candidate);
    if (error) return fromProtocolError(error);
    // Known from here on: validateCandidate found the parent (and made it the head), or it is
    // a baseline (the target's own tree, by its author) with no entry 0 yet.
    const improvement = !parent
      ? 0
      : target.metric.direction === 'minimize'
        ? parent.metric - candidate.claim
        : candidate.claim - parent.metric;

    const own = await authorCommitment(store, candidate);
    const commitment = own && { value: own.commitment, receivedAt: own.receivedAt };
    const revealError = validateReveal(candidate, { target, commitment, receivedAt });
    if (revealError) return fromProtocolError(revealError);
    const credit = await creditFor(store, candidate, revealed.of(candidate.target, candidate.tree));
    // Unreachable: the author's own commitment, just found, opens to the tree.
    if (!credit) return failure('unknown_commitment');

    const record = await store.reputation.get(candidate.author);
    if (reputation.isBanned(record, now)) {
      return failure('author_banned', `until ${new Date(record.bannedUntil).toISOString()}`);
    }
    const bucket = `${hashHex(candidate.target)}/${hashHex(candidate.author)}`;
    if (!this.limiter.allows(bucket)) return failure('rate_limited');

    const treeFailure = parent
      ? await checkTrees(store, candidate, target, parent, this.options.maxNewBytes)
      : await baselineStored(store, target);
    if (treeFailure) return treeFailure;
    if (!this.limiter.take(bucket)) return failure('rate_limited');
    return { ok: true, credit, improvement, target };
  }

  /** True when the target lists this verifier's key: its candidates are this verifier's work. */
  serves(target: Target): boolean {
    return isListedVerifier(target, this.modules.key);
  }

  /** Loaded from the store on first use: copies are credited across restarts too. */
  private revealedTrees(): Promise<RevealedTrees> {
    this.revealed ??= RevealedTrees.load(this.modules.store, (target) => this.serves(target));
    return this.revealed;
  }
}

/** A baseline runs the target's own files, stored with the target; fetch them if not. */
async function baselineStored(store: Store, target: Target): Promise<TreeFailure | undefined> {
  const tree = await store.trees.get(target.baseline);
  const complete = tree && (await Promise.all(tree.files.map((f) => store.blobs.has(f.blob))));
  if (complete?.every(Boolean)) return undefined;
  return {
    ...failure('tree_missing', 'the baseline files are not all stored'),
    tree: target.baseline,
  };
}

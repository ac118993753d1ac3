/**
 * A verifier's world for tests: a real store holding a fixture's target, baseline tree and
 * entry 0, a clock, and real signed claims (commitment, then candidate) built on any entry.
 * Each claim can leave out what a test needs missing: the commitment, the tree, the wait.
 */
import {
  CANDIDATE,
  type Candidate,
  COMMITMENT,
  type Commitment,
  commitmentValue,
  type Hash,
  hashHex,
  type LogEntry,
  makeTree,
  publicKeyOf,
  signObject,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import {
  ChainBuilder,
  type Fixture,
  type FixtureOptions,
  filesToTree,
  makeFixture,
  testSeed,
} from '@nightshift/protocol/testing';
import { Store, type StoredCandidate } from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { type PrecheckOptions, Prechecks } from '../src/prechecks.ts';
import { ReputationPolicy } from '../src/reputation-policy.ts';

export interface Parent {
  entry: LogEntry;
  hash: Hash;
}

export interface ClaimOptions {
  parent?: Parent;
  author?: Fixture['workers'][number];
  /** The claimed metric (default: the parent's improved by 2 × minDelta). */
  claim?: number;
  /** Changed mutable files (default: a train.py no other claim has). */
  files?: Record<string, string>;
  /** Reveal exactly this tree (as a copier does) instead of building one. */
  tree?: Tree;
  /** Local receipt time of the commitment (default: the clock). */
  commitAt?: number;
  /** Local receipt time of the candidate (default: commitAt + revealDelayMs). */
  revealAt?: number;
  storeCommitment?: boolean;
  storeTree?: boolean;
}

export interface Claim {
  stored: StoredCandidate;
  candidate: Candidate;
  commitment: Commitment;
  tree: Tree;
}

export type Scenario = Awaited<ReturnType<typeof scenario>>;

export async function scenario(options: FixtureOptions = {}) {
  const fixture: Fixture = await makeFixture({ workerCount: 4, ...options });
  const chain = new ChainBuilder(fixture);
  const opened = await openFreshStore('verifier');
  const { dataDir } = opened;
  // Replaced by reopen(), as after a restart: every helper reads it from here.
  const world = { store: opened.store };
  await world.store.targets.put(fixture.target);
  await world.store.trees.put(fixture.tree);
  const genesisEntry = await chain.genesis();
  const genesis: Parent = {
    entry: genesisEntry,
    hash: (await world.store.entries.add(genesisEntry)).hash,
  };
  const clock = { now: 1_700_000_100_000 };
  const now = () => clock.now;
  const verifier = fixture.verifiers[0]!;
  const reputation = new ReputationPolicy();
  let claims = 0;

  /** Adds an accepted entry on `parent` (the head moves to it) and stores its tree. */
  async function extend(parent: Parent = genesis): Promise<Parent> {
    const entry = await chain.extend(parent.entry, parent.hash);
    await world.store.trees.put(chain.trees.get(hashHex(entry.candidate.tree))!);
    return { entry, hash: (await world.store.entries.add(entry)).hash };
  }

  /** A worker's claim: its commitment, then after the reveal delay its candidate. */
  async function claim(o: ClaimOptions = {}): Promise<Claim> {
    const n = ++claims;
    const parent = o.parent ?? genesis;
    const author = o.author ?? fixture.workers[0]!;
    const { minDelta, metric, revealDelayMs } = fixture.target;
    const step = metric.direction === 'minimize' ? -2 * minDelta : 2 * minDelta;
    const tree = o.tree ?? changedTree(parent, o.files ?? { 'train.py': `LAYERS = ${n + 100}\n` });
    const salt = testSeed(`salt ${n}`);
    const commitAt = o.commitAt ?? clock.now;
    const revealAt = o.revealAt ?? commitAt + revealDelayMs;
    const commitment: Commitment = await signObject(
      COMMITMENT,
      {
        target: fixture.targetId,
        author: publicKeyOf(author),
        value: commitmentValue(treeHash(tree), publicKeyOf(author), salt),
        createdAt: commitAt,
      },
      author,
    );
    const candidate: Candidate = await signObject(
      CANDIDATE,
      {
        target: fixture.targetId,
        parent: parent.hash,
        tree: treeHash(tree),
        salt,
        claim: o.claim ?? parent.entry.metric + step,
        effort: { experiments: 10, seconds: 600 },
        description: `claim ${n}`,
        author: publicKeyOf(author),
        createdAt: revealAt,
      },
      author,
    );
    if (o.storeCommitment !== false) await world.store.commitments.put(commitment, commitAt);
    if (o.storeTree !== false) await world.store.trees.put(tree);
    clock.now = Math.max(clock.now, revealAt);
    const stored = await world.store.candidates.put(candidate, revealAt);
    return { stored, candidate, commitment, tree };
  }

  /** The parent's tree with `files` changed. */
  function changedTree(parent: Parent, files: Record<string, string>): Tree {
    const before = chain.trees.get(hashHex(parent.entry.candidate.tree))!;
    const changed = filesToTree(files, fixture.blobs);
    return makeTree([...before.files.filter((f) => !(f.path in files)), ...changed.files]);
  }

  function prechecks(options: Partial<PrecheckOptions> = {}): Prechecks {
    return new Prechecks(options, {
      store: world.store,
      key: publicKeyOf(verifier),
      reputation,
      now,
    });
  }

  /** Closes the store and opens it again, as a verifier killed and restarted would. */
  async function reopen(): Promise<void> {
    await world.store.close();
    world.store = await Store.open(dataDir);
  }

  return {
    fixture,
    chain,
    get store() {
      return world.store;
    },
    dataDir,
    genesis,
    clock,
    now,
    verifier,
    reputation,
    extend,
    claim,
    prechecks,
    reopen,
    changedTree,
  };
}

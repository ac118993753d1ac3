/**
 * Benchmark (issue 6): the verifier's prechecks under a junk flood, next to bare Ed25519
 * verification of the same candidates' signatures in the same run.
 *
 * A store holds a fixture target, its baseline tree, entry 0 and entry 1 (the head). The flood
 * is what a sybil attacker sends cheaply, every candidate from a new identity, round-robin
 * over the kinds below; each is stored first (`store.candidates.put`, as gossip would), outside
 * the timed part. `Prechecks.check` runs once per candidate, awaited one at a time, and again
 * with several in flight (as gossip validators interleave). The baseline is libp2p's Ed25519
 * verify of the same ids and signatures with the keys already parsed; protocol's
 * `hasValidSignature` (the key cache, which a flood of new authors overruns, then the verify)
 * is printed beside it. Rounds measure everything back to back; figures are medians.
 *
 *   node --import tsx scripts/bench-prechecks.ts [--per-kind 800] [--rounds 7]
 *     [--concurrency 16] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import {
  CANDIDATE,
  type Candidate,
  COMMITMENT,
  commitmentValue,
  encodeSigned,
  type Hash,
  hashHex,
  hasValidSignature,
  idOf,
  type LogEntry,
  makeTree,
  publicKeyOf,
  signObject,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import {
  ChainBuilder,
  filesToTree,
  makeFixture,
  testKey,
  testSeed,
} from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { Prechecks, type Received, ReputationPolicy } from '@nightshift/verifier';

const { values: args } = parseArgs({
  options: {
    'per-kind': { type: 'string', default: '800' },
    rounds: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const perKind = Number(args['per-kind']);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);

/**
 * What the attacker sends, and the reason code each should get. The first five cost the
 * attacker one signature at most; the last two also a commitment sent the reveal delay
 * earlier (and for immutable_change, a tree). In a node, gossip validation (validateCandidate)
 * already drops the first four before they are stored; the verifier still prechecks whatever
 * the store holds, after a restart too.
 */
const KINDS = {
  bad_signature: 'bad_signature',
  unknown_parent: 'unknown_parent',
  short_claim: 'claim_not_improvement',
  stale_parent: 'stale_parent',
  no_commitment: 'unknown_commitment',
  tree_not_stored: 'tree_missing',
  immutable_change: 'immutable_path_changed',
} as const;
type Kind = keyof typeof KINDS;

const NOW = 1_700_000_100_000;

interface Junk {
  kind: Kind;
  received: Received;
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'nightshift-bench-prechecks-'));
  const store = await Store.open(join(scratch, 'verifier'));
  try {
    const fixture = await makeFixture({ workerCount: 1, verifierCount: 3, quorum: 2 });
    const chain = new ChainBuilder(fixture);
    await store.targets.put(fixture.target);
    await store.trees.put(fixture.tree);
    const genesis = await chain.genesis();
    const genesisHash = (await store.entries.add(genesis)).hash;
    const head = await chain.extend(genesis, genesisHash);
    const headHash = (await store.entries.add(head)).hash;
    const headTree = chain.trees.get(hashHex(head.candidate.tree))!;
    await store.trees.put(headTree);

    const flood = await buildFlood(store, {
      fixture,
      genesis: { entry: genesis, hash: genesisHash },
      head: { entry: head, hash: headHash, tree: headTree },
    });
    const prechecks = new Prechecks(
      {},
      {
        store,
        key: publicKeyOf(fixture.verifiers[0]!),
        reputation: new ReputationPolicy(),
        now: () => NOW,
      },
    );

    // Every candidate gets the reason its kind is built for, or the figures mean nothing.
    for (const { kind, received } of flood) {
      const result = await prechecks.check(received);
      const code = result.ok ? 'ok' : result.code;
      if (code !== KINDS[kind]) throw new Error(`a ${kind} candidate got ${code}`);
    }

    const bare = flood.map(({ received: { id, candidate } }) => ({
      key: publicKeyFromRaw(candidate.author),
      id,
      signature: candidate.signature,
    }));
    const byKind = new Map<Kind, Received[]>();
    for (const { kind, received } of flood) {
      byKind.set(kind, [...(byKind.get(kind) ?? []), received]);
    }
    const checks: Record<string, () => Promise<number>> = {
      bare: async () => {
        for (const b of bare) await b.key.verify(b.id, b.signature);
        return bare.length;
      },
      hasValidSignature: async () => {
        for (const { received } of flood) {
          await hasValidSignature(CANDIDATE, received.candidate, received.id);
        }
        return flood.length;
      },
      prechecks: async () => {
        for (const { received } of flood) await prechecks.check(received);
        return flood.length;
      },
      concurrent: async () => {
        let next = 0;
        const lane = async () => {
          while (next < flood.length) await prechecks.check(flood[next++]!.received);
        };
        await Promise.all(Array.from({ length: concurrency }, lane));
        return flood.length;
      },
      // The three store reads every check starts with (target, parent, head), alone.
      reads: async () => {
        for (const { received } of flood) {
          const { candidate } = received;
          await store.targets.get(candidate.target);
          await store.entries.get(candidate.parent);
          await store.entries.head(candidate.target);
        }
        return flood.length;
      },
    };
    for (const kind of byKind.keys()) {
      checks[kind] = async () => {
        const list = byKind.get(kind)!;
        for (const received of list) await prechecks.check(received);
        return list.length;
      };
    }

    const results = new Map<string, number[]>();
    for (const check of Object.values(checks)) await check(); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const [name, check] of Object.entries(checks)) {
        const started = process.hrtime.bigint();
        const n = await check();
        const rate = n / (Number(process.hrtime.bigint() - started) / 1e9);
        results.set(name, [...(results.get(name) ?? []), rate]);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const rateOf = (name: string) => median(results.get(name)!);
    // The share of bare within each round, then the median: free of the drift between rounds.
    const shareOf = (name: string) =>
      median(results.get(name)!.map((rate, r) => rate / results.get('bare')![r]!));
    const figures = Object.fromEntries(
      [...results.keys()].map((name) => [
        name,
        { perSecond: Math.round(rateOf(name)), ofBare: Number(shareOf(name).toFixed(3)) },
      ]),
    );
    const bytes =
      flood.reduce((n, j) => n + encodeSigned(CANDIDATE, j.received.candidate).length, 0) /
      flood.length;
    // Where a check's time goes: `rounds` more passes per kind with the store's read methods
    // timed (apart from the rates above, which run without the wrappers); medians.
    const inStore = instrumentStore(store);
    const passes = new Map<Kind, { storeUs: number; totalUs: number; calls: number }[]>();
    for (let r = 0; r < rounds; r++) {
      for (const [kind, list] of byKind) {
        inStore.reset();
        const started = performance.now();
        for (const received of list) await prechecks.check(received);
        const total = performance.now() - started;
        passes.set(kind, [
          ...(passes.get(kind) ?? []),
          {
            calls: inStore.calls / list.length,
            storeUs: (1000 * inStore.ms) / list.length,
            totalUs: (1000 * total) / list.length,
          },
        ]);
      }
    }
    const breakdown = Object.fromEntries(
      [...passes].map(([kind, list]) => [
        kind,
        {
          storeCalls: Number(list[0]!.calls.toFixed(1)),
          storeUs: Math.round(median(list.map((p) => p.storeUs))),
          totalUs: Math.round(median(list.map((p) => p.totalUs))),
        },
      ]),
    );
    const reads = Object.fromEntries(
      [...inStore.byMethod].map(([name, m]) => [
        name,
        { calls: m.calls, usEach: Math.round((1000 * m.ms) / m.calls) },
      ]),
    );
    if (args.json) {
      console.log(
        JSON.stringify({
          candidates: flood.length,
          rounds,
          concurrency,
          figures,
          breakdown,
          reads,
        }),
      );
      return;
    }
    const line = (label: string, name: string) =>
      console.log(
        `  ${label.padEnd(44)} ${String(figures[name]!.perSecond).padStart(7)} /s  ` +
          `${(100 * figures[name]!.ofBare).toFixed(1).padStart(5)}% of bare`,
      );
    console.log(
      `${flood.length} junk candidates (about ${bytes.toFixed(0)} bytes), ${perKind} of each kind, ` +
        `each from a new identity; ${rounds} rounds, medians`,
    );
    line('bare Ed25519 verify (keys parsed)', 'bare');
    line('hasValidSignature (key cache overrun)', 'hasValidSignature');
    line('Prechecks.check, one at a time', 'prechecks');
    line(`Prechecks.check, ${concurrency} in flight`, 'concurrent');
    line('the store reads alone (target, parent, head)', 'reads');
    console.log('  per kind, one at a time (then, from separate passes, the time in store reads):');
    for (const kind of byKind.keys()) {
      const b = breakdown[kind]!;
      line(`  ${kind} -> ${KINDS[kind]}`, kind);
      console.log(
        `${' '.repeat(8)}${b.storeCalls} store reads, ${b.storeUs} of ${b.totalUs} µs per check`,
      );
    }
    console.log(
      `  store reads in those passes: ${Object.entries(reads)
        .map(([name, r]) => `${name} ${r.calls}× ${r.usEach} µs`)
        .join(', ')}`,
    );
  } finally {
    await store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Counts the store reads the prechecks make, and the time spent awaiting them. */
function instrumentStore(store: Store) {
  const totals = {
    calls: 0,
    ms: 0,
    /** Per method: calls and ms, over the whole instrumented pass. */
    byMethod: new Map<string, { calls: number; ms: number }>(),
    reset() {
      totals.calls = 0;
      totals.ms = 0;
    },
  };
  const reads = {
    targets: ['get'],
    entries: ['get', 'head'],
    commitments: ['byValue'],
    reputation: ['get'],
    trees: ['get'],
  } as const;
  for (const [repo, methods] of Object.entries(reads)) {
    const object = store[repo as keyof typeof reads] as unknown as Record<
      string,
      (...a: unknown[]) => Promise<unknown>
    >;
    for (const method of methods) {
      const original = object[method]!.bind(object);
      object[method] = async (...a: unknown[]) => {
        const started = performance.now();
        try {
          return await original(...a);
        } finally {
          const ms = performance.now() - started;
          const name = `${repo}.${method}`;
          const m = totals.byMethod.get(name) ?? { calls: 0, ms: 0 };
          totals.byMethod.set(name, { calls: m.calls + 1, ms: m.ms + ms });
          totals.calls += 1;
          totals.ms += ms;
        }
      };
    }
  }
  return totals;
}

interface World {
  fixture: Awaited<ReturnType<typeof makeFixture>>;
  genesis: { entry: LogEntry; hash: Hash };
  head: { entry: LogEntry; hash: Hash; tree: Tree };
}

/** The flood, round-robin over the kinds, each candidate stored as gossip would store it. */
async function buildFlood(store: Store, world: World): Promise<Junk[]> {
  const { fixture, genesis, head } = world;
  const { minDelta, revealDelayMs } = fixture.target;
  const kinds = Object.keys(KINDS) as Kind[];
  const flood: Junk[] = [];
  for (let i = 0; i < perKind * kinds.length; i++) {
    const kind = kinds[i % kinds.length]!;
    const author = await testKey(`bench-prechecks/sybil/${i}`);
    // The head's tree with train.py changed, or (immutable_change) score.py too.
    const files: Record<string, string> = { 'train.py': `LAYERS = ${i + 1000}\n` };
    if (kind === 'immutable_change') files['score.py'] = `print("bpc", 0.${i})\n`;
    const changed = filesToTree(files, new Map());
    const tree = makeTree([...head.tree.files.filter((f) => !(f.path in files)), ...changed.files]);
    const parent =
      kind === 'unknown_parent'
        ? testSeed(`bench-prechecks/no such entry/${i}`)
        : kind === 'stale_parent'
          ? genesis.hash
          : head.hash;
    const parentMetric = kind === 'stale_parent' ? genesis.entry.metric : head.entry.metric;
    const claim =
      kind === 'short_claim' ? parentMetric - minDelta / 2 : parentMetric - 2 * minDelta;
    const salt = testSeed(`bench-prechecks/salt/${i}`);
    const receivedAt = NOW - 5_000;
    const candidate: Candidate = await signObject(
      CANDIDATE,
      {
        target: fixture.targetId,
        parent,
        tree: treeHash(tree),
        salt,
        claim,
        effort: { experiments: 1, seconds: 1 },
        description: `sybil ${i}`,
        author: publicKeyOf(author),
        createdAt: receivedAt,
      },
      author,
    );
    if (kind === 'bad_signature') candidate.signature[7]! ^= 0x20;
    if (kind === 'tree_not_stored' || kind === 'immutable_change') {
      const commitment = await signObject(
        COMMITMENT,
        {
          target: fixture.targetId,
          author: publicKeyOf(author),
          value: commitmentValue(treeHash(tree), publicKeyOf(author), salt),
          createdAt: receivedAt - revealDelayMs - 1_000,
        },
        author,
      );
      await store.commitments.put(commitment, receivedAt - revealDelayMs - 1_000);
    }
    if (kind === 'immutable_change') await store.trees.put(tree);
    const stored = await store.candidates.put(candidate, receivedAt);
    flood.push({ kind, received: { id: stored.id, candidate, receivedAt } });
  }
  // Sanity: the forged candidates' ids are their own (the signature is not in the id).
  const forged = flood.find((j) => j.kind === 'bad_signature')!.received;
  if (hashHex(forged.id) !== hashHex(idOf(CANDIDATE, forged.candidate))) {
    throw new Error('stored id differs from the candidate id');
  }
  return flood;
}

await main();

/**
 * Benchmark: how fast one core decodes, hashes and signature-checks gossiped candidates,
 * next to bare Ed25519 verifies of the same signatures measured in the same run.
 * Goal (issue 2): at least 80% of the bare rate, i.e. signature checking is the only cost
 * that matters. Two scenarios: candidates from a few dozen authors that keep coming back,
 * and a flood in which every candidate has a new author (more than the key cache holds).
 * Usage: npm run bench [-- --candidates N --rounds R]
 */
import { parseArgs } from 'node:util';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import {
  CANDIDATE,
  decodeSigned,
  encodeSigned,
  entryHash,
  hasValidSignature,
  publicKeyOf,
  signObject,
  validateCandidate,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture, testKey, testSeed } from '@nightshift/protocol/testing';

const { values } = parseArgs({
  options: {
    candidates: { type: 'string', default: '6000' },
    rounds: { type: 'string', default: '9' },
  },
});
const count = Number(values.candidates);
const rounds = Number(values.rounds);

const fixture = await makeFixture();
const genesis = await new ChainBuilder(fixture).genesis();
const genesisHash = entryHash(genesis);

/** Candidates as they arrive from gossip: encoded bytes, round-robin over the authors. */
async function candidateMessages(authorCount: number): Promise<Uint8Array[]> {
  const authors = await Promise.all(
    Array.from({ length: authorCount }, (_, i) => testKey(`bench/author/${i}`)),
  );
  const messages: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const author = authors[i % authorCount]!;
    const candidate = await signObject(
      CANDIDATE,
      {
        target: fixture.targetId,
        parent: genesisHash,
        tree: testSeed(`tree ${i}`),
        salt: testSeed(`salt ${i}`),
        claim: 2.4 - i * 1e-6,
        effort: { experiments: 100 + i, seconds: 3600 },
        description: `lower learning rate, wider layers (${i})`,
        author: publicKeyOf(author),
        createdAt: 1_700_000_000_000 + i,
      },
      author,
    );
    messages.push(encodeSigned(CANDIDATE, candidate));
  }
  return messages;
}

async function rate(label: string, check: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const ok = await check();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (ok !== count) throw new Error(`${label}: only ${ok} of ${count} checked out`);
  return count / seconds;
}

async function scenario(name: string, authorCount: number): Promise<boolean> {
  const messages = await candidateMessages(authorCount);
  // The baseline: the same signatures over the same ids, keys already parsed, nothing else.
  const bare = messages.map((bytes) => {
    const { value, id } = decodeSigned(CANDIDATE, bytes);
    return { key: publicKeyFromRaw(value.author), id, signature: value.signature };
  });
  const checks = {
    bare: async () => {
      let ok = 0;
      for (const b of bare) if (await b.key.verify(b.id, b.signature)) ok++;
      return ok;
    },
    pipeline: async () => {
      let ok = 0;
      for (const bytes of messages) {
        const { value, id } = decodeSigned(CANDIDATE, bytes);
        if (await hasValidSignature(CANDIDATE, value, id)) ok++;
      }
      return ok;
    },
    // Every gossip rule of a candidate, then the signature: what the other rules cost.
    validate: async () => {
      let ok = 0;
      for (const bytes of messages) {
        const { value, id } = decodeSigned(CANDIDATE, bytes);
        const context = { target: fixture.target, parent: genesis, head: genesisHash, id };
        if (!(await validateCandidate(value, { ...context, now: 1_800_000_000_000 }))) ok++;
      }
      return ok;
    },
  };
  const results = { bare: [] as number[], pipeline: [] as number[], validate: [] as number[] };
  await checks.bare(); // warm-up
  await checks.pipeline();
  for (let r = 0; r < rounds; r++) {
    for (const key of ['bare', 'pipeline', 'validate'] as const) {
      results[key].push(await rate(key, checks[key]));
    }
  }
  // Each round measures all three back to back, so a ratio within one round is free of the
  // drift between rounds; the figures are medians over rounds.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const ratio = (key: 'pipeline' | 'validate') =>
    median(results[key].map((value, r) => value / results.bare[r]!));
  const bytes = messages.reduce((n, m) => n + m.length, 0) / messages.length;
  const line = (label: string, value: number, share?: number, note = '') =>
    console.log(
      `  ${label.padEnd(26)} ${value.toFixed(0).padStart(7)} /s` +
        (share === undefined ? '' : `  (${(100 * share).toFixed(1)}% of bare${note})`),
    );
  console.log(
    `${name}: ${count} candidates from ${authorCount} authors, ${bytes.toFixed(0)} bytes`,
  );
  line('bare Ed25519 verify', median(results.bare));
  line('decode + hash + verify', median(results.pipeline), ratio('pipeline'), '; goal >= 80%');
  line('full validateCandidate', median(results.validate), ratio('validate'));
  return ratio('pipeline') >= 0.8;
}

const repeat = await scenario('returning authors', 64);
const fresh = await scenario('a new author each (flood)', count);
if (!repeat || !fresh) process.exitCode = 1;

/**
 * Benchmark: how fast one core decodes, hashes and signature-checks gossiped candidates,
 * next to bare Ed25519 verifies of the same signatures measured in the same run.
 * Goal (issue 2): at least 80% of the bare rate, i.e. signature checking is the only cost
 * that matters. Usage: npm run bench [-- --candidates N --rounds R]
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
    candidates: { type: 'string', default: '4000' },
    authors: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '5' },
  },
});
const count = Number(values.candidates);
const authorCount = Number(values.authors);
const rounds = Number(values.rounds);

const fixture = await makeFixture();
const genesis = await new ChainBuilder(fixture).genesis();
const genesisHash = entryHash(genesis);
const authors = await Promise.all(
  Array.from({ length: authorCount }, (_, i) => testKey(`bench/author/${i}`)),
);

// Candidates as they arrive from gossip: encoded bytes from many authors.
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

// The baseline: the same signatures over the same ids, keys already parsed, nothing else.
const bare = messages.map((bytes) => {
  const { value, id } = decodeSigned(CANDIDATE, bytes);
  return { key: publicKeyFromRaw(value.author), id, signature: value.signature };
});

async function timeIt(label: string, work: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const ok = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (ok !== count) throw new Error(`${label}: only ${ok} of ${count} checked out`);
  return count / seconds;
}

const bareVerify = () =>
  timeIt('bare', async () => {
    let ok = 0;
    for (const b of bare) if (await b.key.verify(b.id, b.signature)) ok++;
    return ok;
  });

const decodeHashVerify = () =>
  timeIt('pipeline', async () => {
    let ok = 0;
    for (const bytes of messages) {
      const { value, id } = decodeSigned(CANDIDATE, bytes);
      if (await hasValidSignature(CANDIDATE, value, id)) ok++;
    }
    return ok;
  });

// The whole gossip check as well (every cheap rule, then the signature), to show what the
// rules besides the signature cost.
const fullValidation = () =>
  timeIt('validate', async () => {
    let ok = 0;
    for (const bytes of messages) {
      const { value, id } = decodeSigned(CANDIDATE, bytes);
      const error = await validateCandidate(value, {
        target: fixture.target,
        parent: genesis,
        head: genesisHash,
        now: 1_800_000_000_000,
        id,
      });
      if (!error) ok++;
    }
    return ok;
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const results = { bare: [] as number[], pipeline: [] as number[], validate: [] as number[] };
await bareVerify(); // warm-up
await decodeHashVerify();
for (let r = 0; r < rounds; r++) {
  results.bare.push(await bareVerify());
  results.pipeline.push(await decodeHashVerify());
  results.validate.push(await fullValidation());
}

const bareRate = median(results.bare);
const pipelineRate = median(results.pipeline);
const validateRate = median(results.validate);
const bytes = messages.reduce((n, m) => n + m.length, 0) / messages.length;
console.log(`candidates: ${count} from ${authorCount} authors, ${bytes.toFixed(0)} bytes each`);
console.log(`bare Ed25519 verify          ${bareRate.toFixed(0).padStart(7)} /s`);
console.log(
  `decode + hash + verify       ${pipelineRate.toFixed(0).padStart(7)} /s  ` +
    `(${((100 * pipelineRate) / bareRate).toFixed(1)}% of bare; goal >= 80%)`,
);
console.log(
  `full validateCandidate       ${validateRate.toFixed(0).padStart(7)} /s  ` +
    `(${((100 * validateRate) / bareRate).toFixed(1)}% of bare)`,
);
if (pipelineRate < 0.8 * bareRate) process.exitCode = 1;

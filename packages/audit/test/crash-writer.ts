/**
 * The crash test's victim: opens the store in a data directory and writes a workload file
 * into it as fast as it can, the way a node stores what it accepts: commitment, candidate
 * (pending → verifying → accepted), attestations, reputation, then the entry. It resumes
 * after the entries already stored and reports `writing <index>` once it has opened the
 * store; the test SIGKILLs it at a random moment after that.
 *
 * Usage: node --import tsx crash-writer.ts <dataDir> <workload file>
 */
import { decodeEntry, entryHashOfBytes, KIND } from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { readRecords } from './crash-workload.ts';

const [dataDir, workFile] = process.argv.slice(2);
if (!dataDir || !workFile) throw new Error('usage: crash-writer.ts <dataDir> <workload file>');

const records = await readRecords(workFile);
const store = await Store.open(dataDir);
const entries = records.filter((r) => r[0] === KIND.entry);
for (const bytes of records.filter((r) => r[0] === KIND.target))
  await store.targets.putBytes(bytes);

let next = 0;
while (next < entries.length && (await store.entries.has(entryHashOfBytes(entries[next]!)))) next++;
process.stdout.write(`writing ${next}\n`);

for (let i = next; i < entries.length; i++) {
  const bytes = entries[i]!;
  const entry = decodeEntry(bytes);
  const now = i;
  await store.commitments.put(entry.credit.commitment, now);
  const { id, status } = await store.candidates.put(entry.candidate, now);
  if (status === 'pending') {
    await store.candidates.setStatus(id, 'verifying', { reason: '', now });
  }
  if (status !== 'accepted') {
    for (const a of entry.attestations) await store.attestations.put(a);
    await store.candidates.setStatus(id, 'accepted', { reason: 'ok', now, from: 'verifying' });
    await store.reputation.recordVerified(entry.candidate.author, now);
  }
  await store.entries.addBytes(bytes);
}
process.stdout.write('done\n');
await store.close();

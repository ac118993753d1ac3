/**
 * `results.tsv` in the target's workspace: one line per experiment, as autoresearch keeps
 * it, for people and agents to read (the store holds the same records for the worker).
 */
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalRecord } from '@nightshift/store';

export const RESULTS_FILE = 'results.tsv';
const HEADER = 'n\tstatus\tmetric\tseconds\ttree\tdescription\n';

export async function appendResult(workspace: string, record: JournalRecord): Promise<void> {
  await mkdir(workspace, { recursive: true });
  const path = join(workspace, RESULTS_FILE);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  const metric = record.metric === undefined ? record.reason : String(record.metric);
  const line = [
    record.n,
    record.status,
    metric,
    record.seconds.toFixed(1),
    record.tree.slice(0, 12),
    record.description.replace(/[\t\n]/g, ' '),
  ].join('\t');
  await appendFile(path, `${exists ? '' : HEADER}${line}\n`);
}

// Commands name an entry by its hash or a unique prefix of it (at least 4 hex digits), as
// `nightshift log` prints them (the short form is 12, PROTOCOL.md §3.6).
import { fromHex, type Hash, hashHex } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { CliError } from './errors.ts';

const MIN_PREFIX = 4;

export async function resolveEntry(store: Pick<Store, 'entries'>, query: string): Promise<Hash> {
  const wanted = query.toLowerCase();
  if (!/^[0-9a-f]+$/.test(wanted) || wanted.length < MIN_PREFIX || wanted.length > 64) {
    throw new CliError('usage', `${query} is not an entry hash or a prefix of 4 to 64 hex digits`);
  }
  if (wanted.length === 64) {
    const hash = fromHex(wanted);
    if (await store.entries.has(hash)) return hash;
  } else {
    const found: Hash[] = [];
    for await (const hash of store.entries.hashes()) {
      if (hashHex(hash).startsWith(wanted)) found.push(hash);
      if (found.length > 1) {
        throw new CliError('usage', `${query} matches several entries; give more digits`);
      }
    }
    if (found.length === 1) return found[0]!;
  }
  throw new CliError('not_found', `no stored entry has a hash starting with ${query}`);
}

// Commands name a target the way people do: by name, by id, or by a unique id prefix.
import { type Hash, hashHex } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { CliError } from './errors.ts';

const MIN_PREFIX = 4;

export async function resolveTarget(store: Pick<Store, 'targets'>, query: string): Promise<Hash> {
  const ids: Hash[] = [];
  for await (const id of store.targets.ids()) ids.push(id);
  const wanted = query.toLowerCase();
  const byId = /^[0-9a-f]+$/.test(wanted) ? ids.filter((id) => hashHex(id).startsWith(wanted)) : [];
  if (byId.length === 1 && wanted.length >= MIN_PREFIX) return byId[0]!;
  if (byId.length > 1 && wanted.length >= MIN_PREFIX) {
    throw new CliError('usage', `${query} matches ${byId.length} targets; give more digits`);
  }
  const byName: Hash[] = [];
  for (const id of ids) if ((await store.targets.get(id))?.name === query) byName.push(id);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new CliError('usage', `${byName.length} targets are named ${query}; give an id`);
  }
  throw new CliError('not_found', `no stored target is named or has an id starting with ${query}`);
}

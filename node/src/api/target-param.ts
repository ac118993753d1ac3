// Routes name a target as the CLI does (resolve-target.ts: a name, an id, or an id prefix),
// with the CLI's errors turned into the API's.
import type { Hash, Target } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { CliError } from '../cli/errors.ts';
import { resolveTarget } from '../cli/resolve-target.ts';
import { ApiError } from './errors.ts';

export async function targetFromParam(
  store: Pick<Store, 'targets'>,
  query: string,
): Promise<{ id: Hash; target: Target }> {
  let id: Hash;
  try {
    id = await resolveTarget(store, query);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    throw new ApiError(err.code === 'not_found' ? 'not_found' : 'ambiguous', err.message);
  }
  const target = await store.targets.get(id);
  if (!target) throw new ApiError('not_found', `target ${query} is not stored`);
  return { id, target };
}

// targets/tiny-lm as fixture options (protocol/testing's makeFixture): its files and its
// manifest (less `quorum`, which a fixture sets), for tests and benchmarks of every package.
import { fileURLToPath } from 'node:url';
import type { FixtureOptions } from '@nightshift/protocol/testing';
import { loadTargetDir } from '../src/load.ts';

export const TINY_LM_DIR = fileURLToPath(new URL('../../../targets/tiny-lm', import.meta.url));

export async function tinyLmFixtureOptions(
  manifest: FixtureOptions['manifest'] = {},
): Promise<Pick<FixtureOptions, 'name' | 'files' | 'manifest'>> {
  const dir = await loadTargetDir(TINY_LM_DIR);
  const { quorum: _, ...own } = dir.manifest;
  return {
    name: 'tiny-lm',
    files: Object.fromEntries(dir.files.map((f) => [f.path, f.bytes])),
    manifest: { ...own, ...manifest },
  };
}

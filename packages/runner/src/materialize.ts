/**
 * Writing a tree from the store into an experiment's scratch directory, as the three views the
 * phases see (PROTOCOL.md §5.1, "Sandbox contract"):
 * - `run`: everything but the held-out files (the run phase and the predictor);
 * - `score`: everything but the mutable files (the harness, with the held-out data);
 * - `harness`: neither (the setup phase, so that its cache key is the harness hash).
 * A file that two views share is written once and hard-linked; every view is mounted
 * read-only, so no phase can change what another one reads.
 */
import { constants, createWriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type Hash,
  hashHex,
  isValidPath,
  matchesAny,
  type Target,
  type Tree,
  type TreeFile,
} from '@nightshift/protocol';
import { RunnerError } from './errors.ts';

/** What the runner needs of a store (`@nightshift/store`'s Store has it). */
export interface TreeSource {
  trees: { get(hash: Hash): Promise<Tree | undefined> };
  blobs: {
    read(hash: Hash): Promise<AsyncIterable<Uint8Array> | undefined>;
    /** The blob's file, when blobs are files: copied rather than streamed. */
    path?(hash: Hash): Promise<string | undefined>;
  };
}

export type View = 'run' | 'score' | 'harness';

export interface Views {
  run: string;
  score: string;
  harness: string;
}

/** Files written at once. */
const PARALLEL_FILES = 8;

export async function materializeViews(
  source: TreeSource,
  tree: Tree,
  target: Pick<Target, 'mutablePaths' | 'heldOutPaths'>,
  root: string,
): Promise<Views> {
  const views: Views = {
    run: join(root, 'run'),
    score: join(root, 'score'),
    harness: join(root, 'harness'),
  };
  for (const dir of Object.values(views)) await mkdir(dir, { mode: 0o755 });
  const queue = [...tree.files];
  // The first failure stops every writer, and the views are returned or refused only once
  // all of them have stopped: a writer still creating files would make the caller's removal
  // of the directory fail with ENOTEMPTY (hiding the failure) and leave the rest behind.
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    for (let file = queue.shift(); file && !failed; file = queue.shift()) {
      try {
        const inViews = viewsOf(file.path, target);
        const [first, ...others] = inViews.map((v) => join(views[v], file.path));
        await writeFile(source, file, first!);
        for (const path of others) {
          await mkdir(dirname(path), { recursive: true, mode: 0o755 });
          await link(first!, path);
        }
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_FILES }, worker));
  if (failed) throw failed.error;
  return views;
}

/** The views a file appears in: held-out files in `score` only, mutable ones in `run` only. */
export function viewsOf(
  path: string,
  target: Pick<Target, 'mutablePaths' | 'heldOutPaths'>,
): View[] {
  if (matchesAny(path, target.heldOutPaths)) return ['score'];
  if (matchesAny(path, target.mutablePaths)) return ['run'];
  return ['run', 'score', 'harness'];
}

async function writeFile(source: TreeSource, file: TreeFile, path: string): Promise<void> {
  // Trees are validated before they are stored, but a path is checked again right where it
  // could otherwise leave the scratch directory.
  if (!isValidPath(file.path))
    throw new RunnerError('invalid_tree', `bad path ${JSON.stringify(file.path)}`);
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const stored = await source.blobs.path?.(file.blob);
  if (stored !== undefined) {
    await copyFile(stored, path, constants.COPYFILE_FICLONE);
  } else {
    const content = await source.blobs.read(file.blob);
    if (!content)
      throw new RunnerError(
        'blob_missing',
        `${file.path}: blob ${hashHex(file.blob)} is not stored`,
      );
    await pipeline(content, createWriteStream(path, { flags: 'wx' }));
  }
  await chmod(path, file.executable ? 0o755 : 0o644);
  const { size } = await stat(path);
  if (size !== file.size) {
    throw new RunnerError(
      'invalid_tree',
      `${file.path}: ${size} bytes stored, the tree says ${file.size}`,
    );
  }
}

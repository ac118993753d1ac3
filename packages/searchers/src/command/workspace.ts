/**
 * The agent's scratch workspace: a fresh temporary directory with the mutable files of the
 * local best, the target's program.md and the journal (journal.md, results.tsv). After the
 * agent ran, the changes under mutable paths are the proposal; every other change (edits to
 * program.md, new files elsewhere, deletions, links) is left out and listed.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { isValidPath, matchesAny, type Target } from '@nightshift/protocol';

/** Files we write for the agent to read; its edits to them are expected and ignored. */
export const JOURNAL_FILES = ['journal.md', 'results.tsv'] as const;

export interface Workspace {
  dir: string;
  /** Every file written at the start, path -> bytes. */
  initial: ReadonlyMap<string, Uint8Array>;
  remove(): Promise<void>;
}

export async function createWorkspace(
  files: ReadonlyMap<string, Uint8Array>,
  parent = tmpdir(),
): Promise<Workspace> {
  const dir = await mkdtemp(join(parent, 'nightshift-command-'));
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
  return { dir, initial: files, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface WorkspaceChanges {
  /** New or changed files under the mutable paths. */
  mutable: Map<string, Uint8Array>;
  /** Changes left out of the proposal, sorted. */
  discarded: string[];
}

/** Compares the workspace with what was written; reads only files that could be proposed. */
export async function collectChanges(
  workspace: Workspace,
  target: Target,
  maxFileBytes: number,
): Promise<WorkspaceChanges> {
  const mutable = new Map<string, Uint8Array>();
  const discarded: string[] = [];
  const seen = new Set<string>();
  // A new directory where nothing can be proposed (a cache, an installed package) is
  // reported as one `dir/` and not read at all.
  const relevant = (dir: string) =>
    target.mutablePaths.some((p) => p.startsWith(dir) || dir.startsWith(p)) ||
    [...workspace.initial.keys()].some((p) => p.startsWith(dir));
  for await (const { path, isFile, size } of walk(workspace.dir, relevant)) {
    seen.add(path);
    const before = workspace.initial.get(path);
    if (path.endsWith('/') || !isFile) {
      discarded.push(path);
    } else if (isValidPath(path) && matchesAny(path, target.mutablePaths)) {
      if (size > maxFileBytes) discarded.push(path);
      else {
        const bytes = new Uint8Array(await readFile(join(workspace.dir, path)));
        if (before === undefined || !Buffer.from(before).equals(bytes)) mutable.set(path, bytes);
      }
    } else if ((JOURNAL_FILES as readonly string[]).includes(path)) {
      // The agent may keep notes in the journal it was given, as autoresearch's agent does.
    } else if (before === undefined) {
      discarded.push(path);
    } else if (size !== before.length || !(await sameBytes(join(workspace.dir, path), before))) {
      discarded.push(path);
    }
  }
  for (const path of workspace.initial.keys()) {
    // Deleting a mutable file is not something a proposal can say.
    if (!seen.has(path) && !(JOURNAL_FILES as readonly string[]).includes(path)) {
      discarded.push(path);
    }
  }
  return { mutable, discarded: discarded.sort() };
}

async function sameBytes(file: string, bytes: Uint8Array): Promise<boolean> {
  return Buffer.from(bytes).equals(await readFile(file));
}

interface Found {
  /** `/`-separated, relative to the workspace. */
  path: string;
  /** A regular file; links, sockets and the like are never proposed. */
  isFile: boolean;
  size: number;
}

/** Every file under root; a directory that `descend` refuses is yielded as `path/`. */
async function* walk(
  root: string,
  descend: (dir: string) => boolean,
  dir = root,
): AsyncGenerator<Found> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const path = relative(root, full).split(sep).join('/');
    if (!entry.isDirectory()) {
      yield { path, isFile: entry.isFile(), size: (await lstat(full)).size };
    } else if (descend(`${path}/`)) {
      yield* walk(root, descend, full);
    } else {
      yield { path: `${path}/`, isFile: false, size: 0 };
    }
  }
}

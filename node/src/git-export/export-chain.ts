/**
 * A target's canonical chain as a git repository: one commit per entry on `main`, entry 0
 * first, each commit's tree the entry's files, its message the description with trailers
 * (message.ts), its author the entry's author and its dates the entry's time. Written with
 * `git fast-import`, so commits depend only on the entries: the same chain gives the same
 * commit hashes in any repository, on any machine.
 *
 * A second export appends only the entries above the one named by main's last commit. When
 * fork choice has since moved the head to another branch of the log, the exported commits
 * that left the canonical chain are kept on a branch `orphaned/<height>-<entry>` (nothing is
 * deleted, as in the log itself) and main is rebuilt from the last entry both chains share.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHex, type Hash, hashHex, type TreeFile } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { chainView, type EntryRow } from '../views/index.ts';
import { git, write } from './git.ts';
import { commitMessage, TRAILER } from './message.ts';

export const EXPORT_BRANCH = 'main';
const BRANCH_REF = `refs/heads/${EXPORT_BRANCH}`;
const COMMITTER = 'nightshift <export@nightshift.invalid>';

export type ExportStore = Pick<Store, 'entries' | 'targets' | 'trees' | 'blobs'>;

export type ExportErrorCode =
  /** The directory is not empty and not a git repository. */
  | 'not_a_repository'
  /** The repository holds uncommitted changes or untracked files: the export would clobber them. */
  | 'dirty'
  /** The repository's main branch is not an export of this target. */
  | 'foreign_history'
  /** A tree or blob of an entry is not stored here (not fetched yet). */
  | 'content_missing';

export class ExportError extends Error {
  static override readonly name = 'ExportError';
  override readonly name = ExportError.name;

  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ExportResult {
  dir: string;
  branch: string;
  /** Entries on the canonical chain. */
  chainLength: number;
  /** Commits written by this export. */
  added: number;
  /** main's commit after the export; null when the target has no entries. */
  head: string | null;
  /** The branch that now holds commits that left the canonical chain, when there were any. */
  orphanedBranch?: string;
}

interface Exported {
  /** main's commits, newest first, with the entry each one exports. */
  commits: { commit: string; entry: string; target: string }[];
}

export async function exportChain(
  store: ExportStore,
  targetId: Hash,
  dir: string,
): Promise<ExportResult> {
  const view = await chainView(store, targetId);
  if (!view) throw new ExportError('foreign_history', `target ${hashHex(targetId)} is not stored`);
  await prepareRepository(dir);
  const exported = await readExported(dir, view.target.id);
  const canonical = new Map(view.entries.map((row, i) => [row.hash, i]));
  const commitOf = new Map(exported.commits.map((c) => [c.entry, c.commit]));

  // The highest canonical entry already on main is where new commits start.
  let fork = -1;
  for (let i = view.entries.length - 1; i >= 0; i--) {
    if (commitOf.has(view.entries[i]!.hash)) {
      fork = i;
      break;
    }
  }
  const last = exported.commits[0];
  const result: ExportResult = {
    dir,
    branch: EXPORT_BRANCH,
    chainLength: view.entries.length,
    added: 0,
    head: last?.commit ?? null,
  };
  const moved = last !== undefined && !canonical.has(last.entry);
  if (moved) {
    const row = await store.entries.get(fromHex(last.entry));
    const name = `orphaned/${row?.height ?? 'x'}-${last.entry.slice(0, 12)}`;
    await git(dir, ['update-ref', `refs/heads/${name}`, last.commit]);
    result.orphanedBranch = name;
  }
  const rows = view.entries.slice(fork + 1);
  if (rows.length === 0) return result;

  const parent = fork >= 0 ? commitOf.get(view.entries[fork]!.hash)! : undefined;
  const metricName = view.target.metric.name;
  await git(dir, ['fast-import', '--quiet', '--date-format=raw', ...(moved ? ['--force'] : [])], {
    input: (stdin) => writeImport(stdin, store, rows, parent, { id: view.target.id, metricName }),
  });
  // The working tree follows main; it was clean, so nothing of the user's is lost.
  await git(dir, ['checkout', '--quiet', '--force', EXPORT_BRANCH]);
  result.added = rows.length;
  result.head = (await git(dir, ['rev-parse', BRANCH_REF])).stdout.trim();
  return result;
}

/** An empty (or missing) directory becomes a repository; an existing one must be clean. */
async function prepareRepository(dir: string): Promise<void> {
  if (!existsSync(dir)) await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, '.git'))) {
    if ((await readdir(dir)).length > 0) {
      throw new ExportError('not_a_repository', `${dir} is not empty and not a git repository`);
    }
    await git(dir, ['init', '--quiet']);
    await git(dir, ['symbolic-ref', 'HEAD', BRANCH_REF]);
    return;
  }
  const status = await git(dir, ['status', '--porcelain']);
  if (status.stdout.trim() !== '') {
    throw new ExportError(
      'dirty',
      `${dir} has uncommitted changes or untracked files; commit, move or remove them first`,
    );
  }
}

async function readExported(dir: string, targetHex: string): Promise<Exported> {
  const has = await git(dir, ['rev-parse', '--quiet', '--verify', BRANCH_REF], { okCodes: [1] });
  if (has.code !== 0) return { commits: [] };
  // One record per commit (ended by 0x1e), its fields split by NUL: hash, entry, target.
  const format = `%H%x00%(trailers:key=${TRAILER.entry},valueonly,separator=)%x00%(trailers:key=${TRAILER.target},valueonly,separator=)%x1e`;
  const log = await git(dir, ['log', `--format=${format}`, BRANCH_REF]);
  const commits: Exported['commits'] = [];
  for (const record of log.stdout.split('\x1e')) {
    if (record.trim() === '') continue;
    const [commit = '', entry = '', target = ''] = record.split('\0').map((f) => f.trim());
    if (!/^[0-9a-f]{64}$/.test(entry) || target !== targetHex) {
      throw new ExportError(
        'foreign_history',
        `${dir}: commit ${commit.slice(0, 12)} on ${EXPORT_BRANCH} is not an export of target ${targetHex.slice(0, 12)}`,
      );
    }
    commits.push({ commit, entry, target });
  }
  return { commits };
}

/** The fast-import stream: each new blob once, then one commit per entry on main. */
async function writeImport(
  out: NodeJS.WritableStream,
  store: ExportStore,
  rows: EntryRow[],
  parent: string | undefined,
  target: { id: string; metricName: string },
): Promise<void> {
  const marks = new Map<string, number>();
  let next = 1;
  await write(out, `reset ${BRANCH_REF}\n${parent ? `from ${parent}\n` : ''}\n`);
  for (const row of rows) {
    const tree = await store.trees.get(fromHex(row.tree));
    if (!tree) {
      throw new ExportError(
        'content_missing',
        `the tree of entry ${row.hash.slice(0, 12)} is not stored here (a running node fetches it)`,
      );
    }
    for (const file of tree.files) {
      const key = hashHex(file.blob);
      if (marks.has(key)) continue;
      marks.set(key, next);
      await writeBlob(out, store, file, next++, row);
    }
    const seconds = Math.floor(row.time / 1000);
    const author = `${row.author.peerId} <${row.author.peerId}@nightshift.invalid>`;
    const message = Buffer.from(commitMessage(row, target));
    await write(
      out,
      `commit ${BRANCH_REF}\nauthor ${author} ${seconds} +0000\ncommitter ${COMMITTER} ${seconds} +0000\ndata ${message.length}\n`,
    );
    await write(out, message);
    await write(out, '\ndeleteall\n');
    for (const file of tree.files) {
      const mode = file.executable ? '100755' : '100644';
      await write(out, `M ${mode} :${marks.get(hashHex(file.blob))} ${quotePath(file.path)}\n`);
    }
    await write(out, '\n');
  }
  await write(out, 'done\n');
}

async function writeBlob(
  out: NodeJS.WritableStream,
  store: ExportStore,
  file: TreeFile,
  mark: number,
  row: EntryRow,
): Promise<void> {
  // The stored blob's own size, not the tree's claim: fast-import reads exactly that many bytes.
  const stat = await store.blobs.stat(file.blob);
  const content = stat && (await store.blobs.read(file.blob));
  if (!stat || !content) {
    throw new ExportError(
      'content_missing',
      `${file.path} of entry ${row.hash.slice(0, 12)} is not stored here (a running node fetches it)`,
    );
  }
  await write(out, `blob\nmark :${mark}\ndata ${stat.size}\n`);
  for await (const piece of content) await write(out, piece);
  await write(out, '\n');
}

/** fast-import reads a path to the end of the line, unless it starts with a quote. */
function quotePath(path: string): string {
  return path.startsWith('"') ? `"${path.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : path;
}

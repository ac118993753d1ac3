/**
 * The searcher plug-in interface (DESIGN.md, "Execution"): given the target, the mutable
 * files of the worker's current local best and the journal, propose one change. The worker
 * runs it, keeps or reverts it, and journals the result; a searcher keeps no state of its
 * own between proposals, so a restarted worker resumes from its journal alone.
 */
import { isPrintableLine, isValidPath, matchesAny, type Target } from '@nightshift/protocol';
import { SearcherError, type SearcherErrorCode } from './errors.ts';

export interface SearchContext {
  target: Target;
  /** path -> bytes of every file under the target's mutablePaths in the current best tree */
  files: ReadonlyMap<string, Uint8Array>;
  /** program.md's text (the agent instructions) */
  program: string;
  /** every experiment so far on this target, oldest first */
  journal: readonly JournalEntry[];
  /** a seeded RNG source so runs are reproducible in tests: () => number in [0,1) */
  random: () => number;
  signal: AbortSignal;
}

export interface JournalEntry {
  n: number;
  description: string;
  status: 'keep' | 'discard' | 'crash';
  metric?: number;
  seconds: number;
  /** the search-space settings this experiment used, when known (evolve fills them) */
  params?: Record<string, string>;
}

export interface Proposal {
  /** the changed files only (paths must be mutable) */
  files: Map<string, Uint8Array>;
  /** one line, <= 200 chars, printable */
  description: string;
  /** evolve: every search-space setting of the proposed tree, by name, as written in its file */
  params?: Record<string, string>;
  /** what went wrong on the way without stopping this proposal, for the worker to count */
  warnings?: SearcherWarning[];
}

export type SearcherWarning =
  /** command: changes outside the mutable paths (or deletions), left out of the proposal. */
  | { code: 'discarded_changes'; paths: string[] }
  /** llm: an attempt failed and another was made. */
  | { code: 'retried'; failure: SearcherErrorCode; message: string };

export interface Searcher {
  readonly name: string;
  propose(ctx: SearchContext): Promise<Proposal>;
}

export const MAX_DESCRIPTION_CHARS = 200;

/**
 * The proposal as the worker may apply it: throws `forbidden_path` (listing every path that
 * is invalid or outside the mutable paths) or `no_change` (no file's bytes differ), drops
 * files whose bytes equal the current ones, and makes the description one printable line.
 */
export function checkProposal(
  target: Target,
  current: ReadonlyMap<string, Uint8Array>,
  proposal: Proposal,
): Proposal {
  const forbidden = [...proposal.files.keys()].filter(
    (path) => !isValidPath(path) || !matchesAny(path, target.mutablePaths),
  );
  if (forbidden.length > 0) {
    throw new SearcherError('forbidden_path', `not mutable: ${forbidden.join(', ')}`, {
      paths: forbidden,
    });
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of proposal.files) {
    const before = current.get(path);
    if (before === undefined || !Buffer.from(before).equals(bytes)) files.set(path, bytes);
  }
  if (files.size === 0) throw new SearcherError('no_change', 'the proposal changes no file');
  return { ...proposal, files, description: oneLine(proposal.description) };
}

/** Collapses whitespace and control characters and truncates to MAX_DESCRIPTION_CHARS. */
export function oneLine(text: string): string {
  const flat = [...text]
    .map((c) => (isPrintableLine(c) ? c : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  if (chars.length <= MAX_DESCRIPTION_CHARS) return flat || 'no description';
  return `${chars.slice(0, MAX_DESCRIPTION_CHARS - 1).join('')}…`;
}

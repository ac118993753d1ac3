/**
 * @nightshift/searchers: the worker's search plug-ins (DESIGN.md, "Execution"). Each proposes
 * one change to a target's mutable files from the local best and the journal:
 * - `evolve` (default): an evolution strategy over the declared search space, no model;
 * - `command`: any coding-agent CLI, run in a scratch workspace;
 * - `llm`: any OpenAI-compatible chat-completions endpoint.
 */
import { type CommandOptions, CommandSearcher } from './command/command.ts';
import { SearcherError } from './errors.ts';
import { type EvolveOptions, EvolveSearcher } from './evolve/evolve.ts';
import { type LlmOptions, LlmSearcher } from './llm/llm.ts';
import type { Searcher } from './searcher.ts';

export { type CommandOptions, CommandSearcher, defaultPrompt } from './command/command.ts';
export { isSearcherError, SearcherError, type SearcherErrorCode } from './errors.ts';
export { describeChange, type EvolveOptions, EvolveSearcher } from './evolve/evolve.ts';
export { readSettings, writeSettings } from './evolve/settings-file.ts';
export { journalMarkdown, journalTsv } from './journal-text.ts';
export { completionsUrl } from './llm/chat-client.ts';
export { type LlmOptions, LlmSearcher } from './llm/llm.ts';
export { applyPatch, parseUnifiedDiff } from './llm/unified-diff.ts';
export { seededRandom } from './random.ts';
export {
  checkProposal,
  type JournalEntry,
  MAX_DESCRIPTION_CHARS,
  type Proposal,
  type SearchContext,
  type Searcher,
  type SearcherWarning,
} from './searcher.ts';

export const SEARCHER_NAMES = ['evolve', 'command', 'llm'] as const;
export type SearcherName = (typeof SEARCHER_NAMES)[number];

export interface SearcherOptions {
  evolve: EvolveOptions;
  command: CommandOptions;
  llm: LlmOptions;
}

export function createSearcher(name: 'evolve', options?: EvolveOptions): Searcher;
export function createSearcher(name: 'command', options: CommandOptions): Searcher;
export function createSearcher(name: 'llm', options: LlmOptions): Searcher;
export function createSearcher(name: string, options?: unknown): Searcher;
export function createSearcher(name: string, options?: unknown): Searcher {
  switch (name) {
    case 'evolve':
      return new EvolveSearcher(options as EvolveOptions | undefined);
    case 'command':
      return new CommandSearcher(options as CommandOptions);
    case 'llm':
      return new LlmSearcher(options as LlmOptions);
    default:
      throw new SearcherError(
        'unknown_searcher',
        `no searcher "${name}": ${SEARCHER_NAMES.join(', ')}`,
      );
  }
}

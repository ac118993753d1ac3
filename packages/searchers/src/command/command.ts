/**
 * `command`: any coding-agent CLI as a searcher (`claude -p {prompt}`, `codex exec {prompt}`,
 * `aider --message {prompt}`, or a script). Once per proposal it runs in a fresh scratch
 * workspace (workspace.ts) holding the mutable files, program.md and the journal; what it
 * changed under the mutable paths is the proposal, anything else is discarded and reported.
 */
import { SearcherError, throwIfAborted } from '../errors.ts';
import { journalMarkdown, journalTsv } from '../journal-text.ts';
import {
  checkProposal,
  type Proposal,
  type SearchContext,
  type Searcher,
  type SearcherWarning,
} from '../searcher.ts';
import { runBounded } from './run-bounded.ts';
import { collectChanges, createWorkspace, JOURNAL_FILES } from './workspace.ts';

export interface CommandOptions {
  /** The command line; `{prompt}` in any argument is replaced by the prompt. Without the
   *  placeholder the prompt goes to the command's stdin. */
  argv: string[];
  /** Replaces the default prompt (defaultPrompt). */
  prompt?: string;
  /** Wall-clock limit for one run of the command (default 20 minutes). */
  timeoutMs?: number;
  /** Output kept for error reports and the description line (default 1 MiB). */
  maxOutputBytes?: number;
  /** Mutable files larger than this are not proposed (default 64 MiB). */
  maxFileBytes?: number;
  /** Added to the worker's environment for the command. */
  env?: Record<string, string>;
  /** Where scratch workspaces are made (default: the OS temporary directory). */
  tmpDir?: string;
}

export const PROMPT_PLACEHOLDER = '{prompt}';

export class CommandSearcher implements Searcher {
  readonly name = 'command';

  constructor(private readonly options: CommandOptions) {
    if (options.argv.length === 0) throw new TypeError('command: argv is empty');
  }

  async propose(ctx: SearchContext): Promise<Proposal> {
    throwIfAborted(ctx.signal);
    const { target } = ctx;
    const files = new Map(ctx.files);
    const scaffold: [string, string][] = [
      [target.program, ctx.program],
      [JOURNAL_FILES[0], journalMarkdown(target, ctx.journal)],
      [JOURNAL_FILES[1], journalTsv(ctx.journal)],
    ];
    // A mutable file wins over our scaffolding if a target happens to use the same name.
    for (const [path, text] of scaffold) {
      if (!files.has(path)) files.set(path, new TextEncoder().encode(text));
    }
    const workspace = await createWorkspace(files, this.options.tmpDir);
    try {
      const prompt = this.options.prompt ?? defaultPrompt(ctx);
      const argv = this.options.argv.map((a) => a.replaceAll(PROMPT_PLACEHOLDER, prompt));
      const usesStdin = !this.options.argv.some((a) => a.includes(PROMPT_PLACEHOLDER));
      const run = await runBounded(argv, {
        cwd: workspace.dir,
        env: { ...process.env, ...this.options.env },
        ...(usesStdin ? { stdin: prompt } : {}),
        timeoutMs: this.options.timeoutMs ?? 20 * 60_000,
        maxOutputBytes: this.options.maxOutputBytes ?? 1024 * 1024,
        signal: ctx.signal,
      });
      const output = run.output.slice(-4096);
      if (run.aborted) throw new SearcherError('aborted', 'search cancelled');
      if (run.timedOut) {
        throw new SearcherError('command_timeout', `${argv[0]} ran past its timeout`, { output });
      }
      if (run.spawnError || run.exitCode !== 0) {
        const why = run.spawnError?.message ?? `exit ${run.exitCode ?? run.signal}`;
        throw new SearcherError('command_failed', `${argv[0]}: ${why}`, {
          output,
          cause: run.spawnError,
        });
      }
      const changes = await collectChanges(
        workspace,
        target,
        this.options.maxFileBytes ?? 64 << 20,
      );
      const warnings: SearcherWarning[] =
        changes.discarded.length > 0
          ? [{ code: 'discarded_changes', paths: changes.discarded }]
          : [];
      if (changes.mutable.size === 0) {
        throw new SearcherError('no_change', 'the command changed no mutable file', {
          paths: changes.discarded,
          output,
        });
      }
      const description =
        lastDescriptionLine(run.output) ??
        `${argv[0]}: changed ${[...changes.mutable.keys()].join(', ')}`;
      return checkProposal(target, ctx.files, { files: changes.mutable, description, warnings });
    } finally {
      await workspace.remove();
    }
  }
}

/** The agent's own summary: its last `DESCRIPTION: ...` line, as the prompt asks. */
function lastDescriptionLine(output: string): string | undefined {
  const lines = [...output.matchAll(/^DESCRIPTION:[ \t]*(\S.*)$/gm)];
  return lines.at(-1)?.[1]?.trim();
}

export function defaultPrompt(ctx: SearchContext): string {
  const { target } = ctx;
  const better = target.metric.direction === 'minimize' ? 'lower' : 'higher';
  return [
    `You are one iteration of an autonomous research loop on the target "${target.name}".`,
    `Read ${target.program} for the goal and the rules, and journal.md and results.tsv for the`,
    `experiments so far. Make ONE focused change that you expect to make \`${target.metric.name}\``,
    `${better}, editing only ${target.mutablePaths.join(', ')}. Do not repeat an experiment`,
    'from the journal. Do not run the full experiment: the loop runs and scores your change',
    'after you finish, and reverts it if it does not help. Do not edit any other file.',
    'Finish by printing one line: `DESCRIPTION: <your change, in one line>`.',
  ].join('\n');
}

// The shape of one command. Each lives in its own file under commands/ and is listed in
// commands/index.ts; program.ts turns the list into commander commands. A group (`target`)
// is a name over subcommands that live one per file in a folder of the group's name.
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import type { CliErrorCode } from './errors.ts';

/** Options every command inherits from the program. */
export interface GlobalOptions {
  /** Absolute data directory, already resolved (flag, environment, platform default). */
  dataDir: string;
  /** Print one JSON document on stdout instead of text. */
  json: boolean;
}

export interface Invocation<Options> {
  /** Positional arguments, in the order the command declares them. */
  args: string[];
  /** The command's own options, already parsed and validated by commander. */
  options: Options;
  globals: GlobalOptions;
  context: CliContext;
}

/** What a command prints on success: `data` with `--json`, `text` without. */
export interface CommandResult {
  data: unknown;
  text: string;
  /** Set when the command ran but found a failure (an audit that failed): the result is
   *  still printed, and the exit code is this code's. */
  failure?: CliErrorCode;
}

export interface CommandSpec<Options = unknown> {
  /** Name and arguments in commander's syntax, e.g. `audit <target>`. */
  name: string;
  /** One line for `nightshift --help`. */
  summary: string;
  /** Adds the command's options and longer help. */
  configure?(command: Command): void;
  /** Does the work; fails by throwing (a CliError, or an error that maps to one). */
  run(invocation: Invocation<Options>): Promise<CommandResult>;
}

/** A command that only groups subcommands (`nightshift target init|check|list`). */
export interface CommandGroupSpec {
  /** The group's name, e.g. `target`. */
  name: string;
  /** One line for `nightshift --help`. */
  summary: string;
  subcommands: readonly CommandSpec[];
}

export type AnyCommandSpec = CommandSpec | CommandGroupSpec;

export function isCommandGroup(spec: AnyCommandSpec): spec is CommandGroupSpec {
  return 'subcommands' in spec;
}

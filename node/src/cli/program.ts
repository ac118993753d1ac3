// Builds the commander program: global options, one commander command per CommandSpec, and
// commander's output and exits routed through the CLI context instead of the process.
import { Command } from 'commander';
import {
  type AnyCommandSpec,
  type CommandResult,
  type CommandSpec,
  type GlobalOptions,
  isCommandGroup,
} from './command.ts';
import type { CliContext } from './context.ts';
import { DATA_DIR_ENV, resolveDataDir } from './data-dir.ts';

export interface ProgramOptions {
  context: CliContext;
  version: string;
  commands: readonly AnyCommandSpec[];
  /** Called with the outcome of the command that ran, before parseAsync resolves. */
  onResult(result: CommandResult, globals: GlobalOptions): void;
}

export function buildProgram({ context, version, commands, onResult }: ProgramOptions): Command {
  const program = new Command('nightshift')
    .description(
      'A peer-to-peer swarm that runs research overnight: volunteers search, verifiers re-run, ' +
        'an append-only log keeps what is proven.',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print help and exit')
    .helpCommand('help [command]', 'print help for a command')
    .option(
      '--data-dir <dir>',
      `where this node keeps its state (default: $${DATA_DIR_ENV}, else a per-user data directory)`,
    )
    .option('--json', 'print one JSON document on stdout instead of text')
    // Commander must neither exit the process nor print errors itself: main() does both.
    // Subcommands copy these settings when they are created, so set them first.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
      outputError: () => {},
    });

  const addCommand = (parent: Command, spec: CommandSpec) => {
    const command = parent.command(spec.name).description(spec.summary);
    spec.configure?.(command);
    command.action(async (...params: unknown[]) => {
      // commander passes the declared arguments, then the options, then the command itself.
      const self = params.at(-1) as Command;
      const globals = globalOptions(self.optsWithGlobals(), context);
      const result = await spec.run({
        args: self.args,
        options: self.opts(),
        globals,
        context,
      });
      onResult(result, globals);
    });
  };
  for (const spec of commands) {
    if (!isCommandGroup(spec)) {
      addCommand(program, spec);
      continue;
    }
    // A group has no action of its own: without a subcommand, commander prints the group's
    // help and main() reports it as a usage error.
    const group = program.command(spec.name).description(spec.summary);
    for (const sub of spec.subcommands) addCommand(group, sub);
  }
  return program;
}

function globalOptions(options: Record<string, unknown>, context: CliContext): GlobalOptions {
  const flag = typeof options['dataDir'] === 'string' ? options['dataDir'] : undefined;
  return {
    dataDir: resolveDataDir({ flag, ...context }),
    json: options['json'] === true,
  };
}

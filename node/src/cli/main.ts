// The CLI entry point. `main` never throws: whatever happens it prints one outcome (text,
// or one JSON document with --json) and returns the process exit code.
import { CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { type CliContext, processContext } from './context.ts';
import { CliError, EXIT_OK, exitCodes, toCliError } from './errors.ts';
import { printError, printResult } from './output.ts';
import { buildProgram } from './program.ts';
import { cliVersion } from './version.ts';

export async function main(argv: string[], context?: CliContext): Promise<number> {
  // Known before parsing, so that even a parse error is reported as JSON when asked.
  let json = wantsJson(argv);
  let exitCode = EXIT_OK;
  let ctx: CliContext | undefined = context;
  try {
    ctx ??= processContext();
    const program = buildProgram({
      context: ctx,
      version: cliVersion(),
      commands,
      onResult: (result, globals) => {
        json = globals.json;
        printResult(ctx!, json, result);
        if (result.failure) exitCode = exitCodes[result.failure];
      },
    });
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return fail(ctx, json, err);
  }
}

function fail(context: CliContext | undefined, json: boolean, err: unknown): number {
  // --help and --version end parsing with a "success" error.
  if (err instanceof CommanderError && err.exitCode === 0) return EXIT_OK;
  const error =
    err instanceof CommanderError && err.code === 'commander.help'
      ? new CliError('usage', 'no command given; the commands are listed above')
      : toCliError(err);
  try {
    printError(context ?? processContext(), json, error);
  } catch {
    // Nowhere left to report to (stdout closed, say): the exit code still tells.
  }
  return error.exitCode;
}

/** Whether `--json` appears among the options (before a `--` that ends them). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

// Everything a command prints goes through here, so that every command looks the same as
// text and every `--json` answer is exactly one JSON document on stdout.
import type { CommandResult } from './command.ts';
import type { CliContext } from './context.ts';
import type { CliError } from './errors.ts';

export function printResult(context: CliContext, json: boolean, result: CommandResult): void {
  if (json) context.stdout(`${JSON.stringify(result.data)}\n`);
  else if (result.text !== '') context.stdout(`${result.text}\n`);
}

export function printError(context: CliContext, json: boolean, error: CliError): void {
  if (json) {
    context.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    return;
  }
  const lines = [
    `nightshift: ${error.code === 'internal' ? 'internal error: ' : ''}${error.message}`,
  ];
  if (error.code === 'usage') lines.push('(run `nightshift --help` for usage)');
  if (error.code === 'internal') {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    if (context.env['NIGHTSHIFT_DEBUG'] && cause?.stack) lines.push(cause.stack);
    else lines.push('this is a bug in nightshift; set NIGHTSHIFT_DEBUG=1 to see where it happened');
  }
  context.stderr(`${lines.join('\n')}\n`);
}

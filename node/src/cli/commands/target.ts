// `nightshift target …`: the researchers' commands, one file each under target/.
import type { CommandGroupSpec } from '../command.ts';
import { targetCheckCommand } from './target/check.ts';
import { targetInitCommand } from './target/init.ts';
import { targetListCommand } from './target/list.ts';
import { targetSubmitCommand } from './target/submit.ts';

export const targetCommand: CommandGroupSpec = {
  name: 'target',
  summary: 'write, check and submit search targets',
  subcommands: [targetInitCommand, targetCheckCommand, targetSubmitCommand, targetListCommand],
};

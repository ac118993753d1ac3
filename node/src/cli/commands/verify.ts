// `nightshift verify`: a peer that verifies the candidates of every target listing its key;
// the same as `nightshift node --verify`.
import type { CommandSpec } from '../command.ts';
import { type NodeOptions, nodeCommand } from './node.ts';

export const verifyCommand: CommandSpec<NodeOptions> = {
  name: 'verify',
  summary: 'run a verifier: re-run claimed improvements, attest, grow the log (node --verify)',
  configure(command) {
    nodeCommand.configure?.(command);
  },
  run(invocation) {
    return nodeCommand.run({ ...invocation, options: { ...invocation.options, verify: true } });
  },
};

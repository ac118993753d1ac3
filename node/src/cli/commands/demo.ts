// `nightshift demo` (behind `npm start`): a local swarm on an example target, with the
// dashboard. Its options are its final interface; the swarm behind it is not built yet, so
// it says what is missing and fails rather than pretending.
import type { CommandSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { positiveInteger } from '../options.ts';

export interface DemoOptions {
  duration?: number;
  workers?: number;
}

export const demoCommand: CommandSpec<DemoOptions> = {
  name: 'demo',
  summary: 'run a local swarm on an example target, with the dashboard (not built yet)',
  configure(command) {
    command
      .option('--duration <seconds>', 'stop after this many seconds', positiveInteger)
      .option('--workers <n>', 'how many worker nodes to start', positiveInteger);
  },
  async run() {
    throw new CliError(
      'not_built_yet',
      'the local swarm demo needs `nightshift target submit` (entry 0 of its target) and the dashboard, ' +
        'which are not built yet; today you can run: nightshift node, nightshift work, nightshift verify, ' +
        'nightshift audit, npm test',
    );
  },
};

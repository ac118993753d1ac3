// `nightshift demo` (behind `npm start`): a local swarm on the bundled example target, with
// the dashboard: one hub peer (dashboard and verifier) and worker peers on 127.0.0.1,
// printing the dashboard's URL and one line per accepted entry until Ctrl-C or --duration.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBubblewrap, INSTALL_HINT } from '@nightshift/runner';
import { type ApiAddress, DEFAULT_API } from '../../api/address.ts';
import type { SwarmEvent } from '../../demo/swarm.ts';
import type { CommandSpec } from '../command.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { positiveInteger } from '../options.ts';
import { printResult } from '../output.ts';
import { apiAddress } from '../peer-options.ts';

export interface DemoOptions {
  duration?: number;
  workers: number;
  api?: ApiAddress;
  target: string;
}

export const demoCommand: CommandSpec<DemoOptions> = {
  name: 'demo',
  summary: 'run a local swarm on the example target (tiny-lm), with the dashboard',
  configure(command) {
    command
      .option(
        '--duration <seconds>',
        'stop after this many seconds (default: until Ctrl-C)',
        positiveInteger,
      )
      .option('--workers <n>', 'how many worker peers to start', positiveInteger, 2)
      .option(
        '--api <host:port>',
        `serve the dashboard here (default: ${DEFAULT_API.host}:${DEFAULT_API.port}, else a free port)`,
        apiAddress,
      )
      .option('--target <dir>', 'the target directory to search', bundledTarget())
      .addHelpText(
        'after',
        '\nThe swarm keeps its data under <data dir>/demo and resumes from it on the next start.' +
          '\nWithout bubblewrap, experiments run unsandboxed (every peer is local) and the demo says so.',
      );
  },
  async run({ options, globals, context }) {
    const targetDir = resolve(context.cwd, options.target);
    if (!existsSync(join(targetDir, 'target.json'))) {
      throw new CliError('usage', `${targetDir} is not a target directory (no target.json)`);
    }
    const sandboxed = findBubblewrap() !== undefined;
    const print = (data: Record<string, unknown>, text: string) =>
      printResult(context, globals.json, { data, text });
    if (!sandboxed) {
      print(
        { event: 'unsandboxed' },
        `warning: bubblewrap was not found, so experiments run WITHOUT a sandbox (fine here: every peer is local). ${INSTALL_HINT}`,
      );
    }
    const signal = stopSignal(context, options.duration);
    const swarmOptions = {
      dataDir: join(globals.dataDir, 'demo'),
      targetDir,
      workers: options.workers,
      unsafe: !sandboxed,
    };
    const modules = { signal, onEvent: (event: SwarmEvent) => report(event, print) };
    const { LocalSwarm } = await import('../../demo/swarm.ts');
    const swarm = new LocalSwarm(
      { ...swarmOptions, api: options.api ?? { ...DEFAULT_API } },
      modules,
    );
    let head: { height: number; metric: number } | undefined;
    try {
      const started = await swarm.start();
      await new Promise<void>((done) => {
        if (signal.aborted) done();
        signal.addEventListener('abort', () => done(), { once: true });
      });
      head = await started.hub.store.entries.head(started.targetId);
    } finally {
      print({ event: 'stopping' }, 'stopping the swarm…');
      await swarm.stop();
    }
    const summary = head
      ? `the log is at entry ${head.height}, metric ${head.metric.toFixed(4)}; `
      : '';
    return {
      data: { event: 'stopped', ...(head && { height: head.height, metric: head.metric }) },
      text: `stopped: ${summary}run it again to resume`,
    };
  },
};

/** The tiny-lm target shipped in the repository, found from this file. */
function bundledTarget(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../targets/tiny-lm');
}

/** Aborted on Ctrl-C or SIGTERM, or after `duration` seconds. */
function stopSignal(context: CliContext, duration: number | undefined): AbortSignal {
  const signals = [context.shutdownSignal()];
  if (duration !== undefined) signals.push(AbortSignal.timeout(duration * 1000));
  return AbortSignal.any(signals);
}

/** What the demo prints: its start, the baseline's submission, and each accepted entry. */
function report(event: SwarmEvent, print: (data: Record<string, unknown>, text: string) => void) {
  switch (event.source) {
    case 'hub':
      if (event.event === 'started') {
        print(event, `dashboard: ${event.dashboard}/\nhub peer:  ${event.peerId}`);
      } else {
        const change = event.change === undefined ? '' : ` (${signed(event.change)})`;
        print(
          event,
          `entry ${event.height}  ${event.hash.slice(0, 12)}  metric ${event.metric.toFixed(4)}${change}  by ${event.author.slice(0, 16)}…  ${event.description}`,
        );
      }
      return;
    case 'submit':
      if (event.event === 'published')
        print(event, `submitted target ${event.name} (${event.target.slice(0, 12)})`);
      if (event.event === 'measured')
        print(
          event,
          `baseline measured: ${event.metric.toFixed(4)}; waiting for the verifier to make it entry 0…`,
        );
      return;
    case 'worker':
      if (event.event === 'started')
        print(event, `worker ${event.worker} searching from entry ${event.head.slice(0, 12)}`);
      return;
    case 'verifier':
      return;
  }
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
}

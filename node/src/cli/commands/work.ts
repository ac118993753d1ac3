// `nightshift work`: a volunteer's worker. It runs as a peer (the same identity, store and
// network as `nightshift node`), waits until it has the target and its head, then searches
// until Ctrl-C, --duration or --max-experiments, printing one line (or JSON line) per event.
import { join } from 'node:path';
import { type Hash, hashHex } from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { createSearcher, type Searcher, seededRandom } from '@nightshift/searchers';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Peer } from '../../peer.ts';
import type { WorkerEvent } from '../../worker/events.ts';
import { nvidiaSmiIdle } from '../../worker/gpu-idle.ts';
import { Worker } from '../../worker/worker.ts';
import type { CommandSpec } from '../command.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { gpuList } from '../options.ts';
import { printResult } from '../output.ts';
import { addPeerOptions, type PeerCliOptions, peerOptionsFrom } from '../peer-options.ts';
import { resolveTarget } from '../resolve-target.ts';
import { describeWorkerEvent } from './work-events.ts';

export interface WorkOptions extends PeerCliOptions {
  target: string;
  searcher: 'evolve' | 'command' | 'llm';
  agentCommand?: string;
  llmUrl?: string;
  llmModel?: string;
  llmKeyEnv: string;
  gpus?: string[];
  whenIdle: boolean;
  duration?: number;
  maxExperiments?: number;
  margin: number;
  wait: number;
  unsafeNoSandbox: boolean;
}

function positive(kind: 'integer' | 'number') {
  return (value: string) => {
    const n = Number(value);
    const ok = kind === 'integer' ? Number.isInteger(n) && n > 0 : Number.isFinite(n) && n >= 0;
    if (!ok)
      throw new InvalidArgumentError(
        `${value} is not a ${kind === 'integer' ? 'positive integer' : 'number >= 0'}.`,
      );
    return n;
  };
}

export const workCommand: CommandSpec<WorkOptions> = {
  name: 'work',
  summary: 'search a target: run experiments, announce improvements, follow the log',
  configure(command: Command) {
    command
      .requiredOption('--target <name|id>', 'the target to search (a name, an id or an id prefix)')
      .addOption(
        new Option('--searcher <name>', 'how changes are proposed')
          .choices(['evolve', 'command', 'llm'])
          .default('evolve'),
      )
      .option(
        '--agent-command <command>',
        'with --searcher command: the agent CLI to run, {prompt} standing for the prompt (e.g. "claude -p {prompt}")',
      )
      .option('--llm-url <url>', 'with --searcher llm: an OpenAI-compatible server')
      .option('--llm-model <name>', 'with --searcher llm: the model to ask')
      .option(
        '--llm-key-env <VAR>',
        'with --searcher llm: the environment variable holding the API key',
        'NIGHTSHIFT_LLM_API_KEY',
      )
      .option(
        '--gpus <list>',
        'run one experiment per GPU at a time, e.g. 0,1 (default: none)',
        gpuList,
      )
      .option('--when-idle', 'pause between experiments while other processes use a GPU', false)
      .option('--duration <seconds>', 'stop after this long', positive('number'))
      .option('--max-experiments <n>', 'stop after this many experiments', positive('integer'))
      .option(
        '--margin <metric units>',
        'announce only past minDelta plus this much',
        positive('number'),
        0,
      )
      .option(
        '--wait <seconds>',
        'how long to wait for the target to arrive from peers',
        positive('number'),
        60,
      )
      .option(
        '--unsafe-no-sandbox',
        'run experiments without bubblewrap when it is missing (only for code you trust)',
        false,
      );
    addPeerOptions(command);
  },
  async run({ options, globals, context }) {
    const stop = context.shutdownSignal();
    const searcher = searcherFrom(options, context);
    const peer = await (await import('../../peer.ts')).Peer.start(
      peerOptionsFrom(options, globals.dataDir),
    );
    const runner = new Runner(
      { allowUnsandboxed: options.unsafeNoSandbox },
      { source: peer.store },
    );
    const print = (event: WorkerEvent | (Record<string, unknown> & { event: string })) =>
      printResult(context, globals.json, { data: event, text: describeWorkerEvent(event) });
    try {
      // Before anything else: without bubblewrap nothing may run (unless asked for).
      await runner.sandbox();
      const targetId = await waitForTarget(peer, options, stop, print);
      if (!targetId)
        return { data: { event: 'stopped', experiments: 0, reason: 'signal' }, text: '' };
      const target = (await peer.store.targets.get(targetId))!;
      peer.gossip.followTarget(targetId);
      const announced = new Set<string>();
      peer.gossip.events.on('attestation', ({ attestation }) => {
        if (!announced.has(hashHex(attestation.candidate))) return;
        print({
          event: 'verdict',
          candidate: hashHex(attestation.candidate),
          verifier: hashHex(attestation.verifier),
          verdict: attestation.verdict,
          reason: attestation.reason,
          ...(attestation.metric !== undefined && { metric: attestation.metric }),
        });
      });
      const worker = new Worker(
        target,
        targetId,
        {
          ...(options.maxExperiments !== undefined && { maxExperiments: options.maxExperiments }),
          ...(options.duration !== undefined && { durationMs: options.duration * 1000 }),
          announceMargin: options.margin,
          gpus: options.gpus ?? [''],
        },
        {
          store: peer.store,
          runner,
          searcher,
          key: peer.privateKey,
          announcer: peer.gossip,
          fetchTree: (hash) => peer.sync.fetchTreeWithFiles(hash),
          workspace: join(globals.dataDir, 'work', hashHex(targetId)),
          signal: stop,
          random: seededRandom(Date.now() >>> 0),
          ...(options.whenIdle && { gpuIdle: nvidiaSmiIdle() }),
          onEvent: (event) => {
            if (event.event === 'announced') announced.add(event.candidate);
            peer.publishWorkerEvent(event);
            if (event.event !== 'stopped') print(event);
          },
        },
      );
      peer.attachWorker({
        state: () => ({ target: hashHex(targetId), name: target.name, ...worker.state() }),
        pause: () => worker.pause(),
        resume: () => worker.resume(),
        journal: () => peer.store.journal.list(targetId),
      });
      const reason = await worker.run();
      const experiments = (await peer.store.journal.list(targetId)).length;
      const data = { event: 'stopped', target: hashHex(targetId), experiments, reason };
      return { data, text: describeWorkerEvent(data) };
    } finally {
      await peer.stop();
    }
  },
};

function searcherFrom(options: WorkOptions, context: CliContext): Searcher {
  switch (options.searcher) {
    case 'evolve':
      return createSearcher('evolve');
    case 'command': {
      if (!options.agentCommand) {
        throw new CliError('usage', '--searcher command needs --agent-command "<command>"');
      }
      return createSearcher('command', { argv: splitCommand(options.agentCommand) });
    }
    case 'llm': {
      if (!options.llmUrl || !options.llmModel) {
        throw new CliError('usage', '--searcher llm needs --llm-url and --llm-model');
      }
      if (context.env[options.llmKeyEnv] === undefined) {
        context.stderr(
          `note: ${options.llmKeyEnv} is not set; asking ${options.llmUrl} without a key\n`,
        );
      }
      return createSearcher('llm', {
        url: options.llmUrl,
        model: options.llmModel,
        ...(context.env[options.llmKeyEnv] !== undefined && { apiKeyEnv: options.llmKeyEnv }),
      });
    }
  }
}

/** Words of a command line: spaces separate, single or double quotes group. */
export function splitCommand(line: string): string[] {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (words.length === 0) throw new CliError('usage', '--agent-command is empty');
  return words;
}

/** The target's id once it and a head are stored (synced from peers if need be). */
async function waitForTarget(
  peer: Peer,
  options: WorkOptions,
  stop: AbortSignal,
  print: (event: { event: string } & Record<string, unknown>) => void,
): Promise<Hash | undefined> {
  const deadline = Date.now() + options.wait * 1000;
  let said = false;
  for (;;) {
    try {
      const id = await resolveTarget(peer.store, options.target);
      if (await peer.store.entries.head(id)) return id;
    } catch (err) {
      if (!(err instanceof CliError) || err.code !== 'not_found') throw err;
    }
    if (Date.now() > deadline) {
      throw new CliError(
        'not_found',
        `no target ${options.target} with a verified baseline arrived within ${options.wait} s`,
      );
    }
    if (!said) {
      print({ event: 'waiting', target: options.target, seconds: options.wait });
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (stop.aborted) return undefined;
  }
}

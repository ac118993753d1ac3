// `nightshift node`: a long-running peer. It prints its peer id and addresses, then one line
// (one JSON line with --json) per event, runs until SIGINT or SIGTERM, stops cleanly and
// exits 0.
import { type Hash, type Head, hashHex, shortHash } from '@nightshift/protocol';
import type { CommandSpec } from '../command.ts';
import { gpuList, integerBetween } from '../options.ts';
import { printResult } from '../output.ts';
import { addPeerOptions, type PeerCliOptions, peerOptionsFrom } from '../peer-options.ts';

export interface NodeOptions extends PeerCliOptions {
  verify?: boolean;
  verifyGpu?: string[];
  verifyPerGpu?: number;
}

/** The verification slots: each GPU (or none) `perGpu` times; one slot runs one verification. */
export function verifySlots(gpus: string[] = [''], perGpu = 1): string[] {
  return gpus.flatMap((gpu) => Array.from({ length: perGpu }, () => gpu));
}

export const nodeCommand: CommandSpec<NodeOptions> = {
  name: 'node',
  summary: 'run a peer: join the swarm, keep and share the log, until Ctrl-C',
  configure(command) {
    addPeerOptions(command)
      .option('--verify', 'also verify candidates of the targets that list this node key')
      .option(
        '--verify-gpu <list>',
        'with --verify: run verifications on these GPUs, one at a time on each, e.g. 0,1 (default: none)',
        gpuList,
      )
      .option(
        '--verify-per-gpu <n>',
        'with --verify: verifications at once on each GPU (or without a GPU)',
        integerBetween(1, 16),
        1,
      );
  },
  async run({ options, globals, context }) {
    const stop = context.shutdownSignal();
    const print = (data: { event: string } & Record<string, unknown>) =>
      printResult(context, globals.json, { data, text: describeVerifierEvent(data) });
    const peer = await (await import('../../peer.ts')).Peer.start({
      ...peerOptionsFrom(options, globals.dataDir),
      ...(options.verify && {
        verify: {
          gpus: verifySlots(options.verifyGpu, options.verifyPerGpu),
          onEvent: print,
        },
      }),
    });
    const addresses = peer.multiaddrs();
    const api = peer.api?.url;
    printResult(context, globals.json, {
      data: {
        event: 'started',
        peerId: peer.peerId,
        dataDir: globals.dataDir,
        listen: addresses,
        ...(api && { api }),
        ...(peer.api?.onFallbackPort && { apiFallback: true }),
      },
      text: [
        `peer id:   ${peer.peerId}`,
        `data dir:  ${globals.dataDir}`,
        ...(api ? [`dashboard: ${api}/`, `api:       ${api}/api/v1/`] : []),
        ...(peer.api?.onFallbackPort
          ? [`           (the default API port is taken, so it listens on a free one)`]
          : []),
        'listening on:',
        ...addresses.map((address) => `  ${address}`),
        'press Ctrl-C to stop',
      ].join('\n'),
    });
    peer.host.addEventListener('peer:connect', (event) => {
      const id = event.detail.toString();
      printResult(context, globals.json, {
        data: { event: 'peer:connect', peerId: id },
        text: `connected to ${id}`,
      });
    });
    peer.host.addEventListener('peer:disconnect', (event) => {
      const id = event.detail.toString();
      printResult(context, globals.json, {
        data: { event: 'peer:disconnect', peerId: id },
        text: `disconnected from ${id}`,
      });
    });
    const printHead = ({ target, head }: { target: Hash; head: Head }) => {
      printResult(context, globals.json, {
        data: {
          event: 'head',
          target: hashHex(target),
          head: hashHex(head.head),
          height: head.height,
          metric: head.metric,
        },
        text: `target ${shortHash(target)}: head ${shortHash(head.head)} at height ${head.height}, metric ${head.metric}`,
      });
    };
    peer.gossip.events.on('head', printHead);
    peer.sync.on('head', printHead);
    await new Promise<void>((resolve) => {
      if (stop.aborted) resolve();
      stop.addEventListener('abort', () => resolve(), { once: true });
    });
    await peer.stop();
    return { data: { event: 'stopped', peerId: peer.peerId }, text: 'stopped' };
  },
};

/** The terminal's line for a verifier event. */
function describeVerifierEvent(e: Record<string, unknown>): string {
  const short = (v: unknown) => String(v).slice(0, 12);
  switch (e['event']) {
    case 'queued':
      return `verifier: queued ${short(e['candidate'])}, claims ${e['claim']}`;
    case 'dropped':
      return `verifier: dropped ${short(e['candidate'])}: ${e['reason']}`;
    case 'waiting':
      return `verifier: ${short(e['candidate'])} waits (${e['reason']})`;
    case 'attested':
      return `verifier: ${e['verdict']} ${short(e['candidate'])} (${e['reason']}${e['metric'] === undefined ? '' : `, measured ${e['metric']}`})`;
    case 'entry':
      return `verifier: entry ${short(e['entry'])} at height ${e['height']}, metric ${e['metric']}`;
    default:
      return JSON.stringify(e);
  }
}

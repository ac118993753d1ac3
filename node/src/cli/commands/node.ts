// `nightshift node`: a long-running peer. It prints its peer id and addresses, then one line
// (one JSON line with --json) per event, runs until SIGINT or SIGTERM, stops cleanly and
// exits 0.
import { multiaddr } from '@multiformats/multiaddr';
import { type Hash, type Head, hashHex, shortHash } from '@nightshift/protocol';
import { InvalidArgumentError } from 'commander';
import { LOOPBACK_SCORING } from '../../p2p/gossip/index.ts';
import { Peer } from '../../peer.ts';
import type { CommandSpec } from '../command.ts';
import { printResult } from '../output.ts';

export interface NodeOptions {
  listen?: string[];
  bootstrap?: string[];
  mdns: boolean;
}

/** The default listen address: every IPv4 interface, on nightshift's port. */
export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/9521';

function collect(check: (address: string) => void) {
  return (value: string, previous: string[] = []) => {
    check(value);
    return [...previous, value];
  };
}

function listenAddress(value: string): void {
  let address: ReturnType<typeof multiaddr>;
  try {
    address = multiaddr(value);
  } catch {
    throw new InvalidArgumentError(`${value} is not a multiaddr (e.g. ${DEFAULT_LISTEN}).`);
  }
  if (!address.toString().includes('/tcp/')) {
    throw new InvalidArgumentError(`${value} is not a TCP address (e.g. ${DEFAULT_LISTEN}).`);
  }
}

function isLoopback(address: string): boolean {
  return address.startsWith('/ip4/127.') || address.startsWith('/ip6/::1/');
}

function bootstrapAddress(value: string): void {
  listenAddress(value);
  if (!/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(value)) {
    throw new InvalidArgumentError(`${value} must end in /p2p/<peer id>.`);
  }
}

export const nodeCommand: CommandSpec<NodeOptions> = {
  name: 'node',
  summary: 'run a peer: join the swarm, keep and share the log, until Ctrl-C',
  configure(command) {
    command
      .option(
        '--listen <multiaddr>',
        `listen on this address; repeat for several (default: ${DEFAULT_LISTEN})`,
        collect(listenAddress),
      )
      .option(
        '--bootstrap <multiaddr>',
        'dial this peer at start (an address ending in /p2p/<peer id>); repeat for several',
        collect(bootstrapAddress),
      )
      .option('--no-mdns', 'do not discover peers on the local network');
  },
  async run({ options, globals, context }) {
    const stop = context.shutdownSignal();
    const listen = options.listen ?? [DEFAULT_LISTEN];
    const peer = await Peer.start({
      dataDir: globals.dataDir,
      listen,
      bootstrap: options.bootstrap ?? [],
      mdns: options.mdns,
      // Peers of a swarm on one machine all share 127.0.0.1: do not score that against them.
      ...(listen.every(isLoopback) ? { scoring: LOOPBACK_SCORING } : {}),
    });
    const addresses = peer.multiaddrs();
    printResult(context, globals.json, {
      data: { event: 'started', peerId: peer.peerId, dataDir: globals.dataDir, listen: addresses },
      text: [
        `peer id:   ${peer.peerId}`,
        `data dir:  ${globals.dataDir}`,
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

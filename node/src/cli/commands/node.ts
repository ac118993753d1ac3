// `nightshift node`: a long-running peer. It prints its peer id and addresses, then one line
// (one JSON line with --json) per event, runs until SIGINT or SIGTERM, stops cleanly and
// exits 0.
import { isIP } from 'node:net';
import { multiaddr } from '@multiformats/multiaddr';
import { type Hash, type Head, hashHex, shortHash } from '@nightshift/protocol';
import { InvalidArgumentError } from 'commander';
import type { ApiAddress } from '../../api/server.ts';
import { LOOPBACK_SCORING } from '../../p2p/gossip/index.ts';
import { Peer } from '../../peer.ts';
import type { CommandSpec } from '../command.ts';
import { printResult } from '../output.ts';

export interface NodeOptions {
  listen?: string[];
  bootstrap?: string[];
  mdns: boolean;
  api?: ApiAddress;
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

/** `host:port`, `[ipv6]:port` or `:port` (127.0.0.1); port 0 picks a free one. */
export function apiAddress(value: string): ApiAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new InvalidArgumentError(`${value} is not host:port (e.g. 127.0.0.1:9522).`);
  }
  const host = match[1] ?? match[2] ?? '';
  if (host !== '' && !isIP(host) && !/^[A-Za-z0-9.-]+$/.test(host)) {
    throw new InvalidArgumentError(`${value}: ${host} is not an IP address or host name.`);
  }
  return { host: host === '' ? '127.0.0.1' : host, port };
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
      .option('--no-mdns', 'do not discover peers on the local network')
      .option(
        '--api <host:port>',
        'serve the HTTP API here (bind to 127.0.0.1 unless others should reach it)',
        apiAddress,
      );
  },
  async run({ options, globals, context }) {
    const stop = context.shutdownSignal();
    const listen = options.listen ?? [DEFAULT_LISTEN];
    const peer = await Peer.start({
      dataDir: globals.dataDir,
      listen,
      bootstrap: options.bootstrap ?? [],
      mdns: options.mdns,
      ...(options.api && { api: options.api }),
      // Peers of a swarm on one machine all share 127.0.0.1: do not score that against them.
      ...(listen.every(isLoopback) ? { scoring: LOOPBACK_SCORING } : {}),
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
      },
      text: [
        `peer id:   ${peer.peerId}`,
        `data dir:  ${globals.dataDir}`,
        ...(api ? [`api:       ${api}/api/v1/node`] : []),
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

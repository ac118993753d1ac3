// The options of every command that runs a peer (`node`, `work`): where it listens, whom it
// dials first, mDNS, and the HTTP API; checked as they are parsed.
import { isIP } from 'node:net';
import { multiaddr } from '@multiformats/multiaddr';
import { type Command, InvalidArgumentError } from 'commander';
import { type ApiAddress, DEFAULT_API } from '../api/address.ts';
import { LOOPBACK_SCORING } from '../p2p/gossip/scoring.ts';
import type { PeerOptions } from '../peer.ts';

export interface PeerCliOptions {
  listen?: string[];
  bootstrap?: string[];
  mdns: boolean;
  /** false for `--api off`; undefined for the default address. */
  api?: ApiAddress | false;
}

/** The default listen address: every IPv4 interface, on nightshift's port. */
export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/9521';

export function addPeerOptions(command: Command): Command {
  return command
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
      '--api <host:port|off>',
      `serve the HTTP API and dashboard here, or not at all with off (default: ${DEFAULT_API.host}:${DEFAULT_API.port}, or a free port when that one is taken; bind to 127.0.0.1 unless others should reach it)`,
      apiOption,
    );
}

export function peerOptionsFrom(options: PeerCliOptions, dataDir: string): PeerOptions {
  const listen = options.listen ?? [DEFAULT_LISTEN];
  return {
    dataDir,
    listen,
    bootstrap: options.bootstrap ?? [],
    mdns: options.mdns,
    // On by default; an explicit address must be free (no fallback), `off` disables it.
    ...(options.api !== false && { api: options.api ?? { ...DEFAULT_API } }),
    // Peers of a swarm on one machine all share 127.0.0.1: do not score that against them.
    ...(listen.every(isLoopback) ? { scoring: LOOPBACK_SCORING } : {}),
  };
}

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

function bootstrapAddress(value: string): void {
  listenAddress(value);
  if (!/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(value)) {
    throw new InvalidArgumentError(`${value} must end in /p2p/<peer id>.`);
  }
}

/** `off`, or an address as apiAddress reads it. */
export function apiOption(value: string): ApiAddress | false {
  return value === 'off' ? false : apiAddress(value);
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

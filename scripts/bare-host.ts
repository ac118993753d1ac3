// The baseline of bench-peer.ts: a bare libp2p host with nightshift's transports and
// services, no store and no components; prints one line once it listens.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost } from '../node/src/p2p/host.ts';

const host = await createHost({
  privateKey: await generateKeyPair('Ed25519'),
  listen: ['/ip4/127.0.0.1/tcp/0'],
  bootstrap: [],
  mdns: false,
});
console.log(JSON.stringify({ event: 'started', listen: host.getMultiaddrs().map(String) }));
process.once('SIGTERM', async () => {
  await host.stop();
  process.exit(0);
});

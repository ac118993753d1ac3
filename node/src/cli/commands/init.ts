// `nightshift init`: create this node's identity, or show the one that exists.
import { loadOrCreateIdentity } from '../../identity.ts';
import type { CommandSpec } from '../command.ts';

export const initCommand: CommandSpec = {
  name: 'init',
  summary: "create this node's identity (an Ed25519 key) in the data directory",
  async run({ globals }) {
    const identity = await loadOrCreateIdentity(globals.dataDir);
    const peerId = identity.peerId.toString();
    return {
      data: { peerId, dataDir: globals.dataDir, created: identity.created },
      text: [
        identity.created
          ? 'created a new identity'
          : 'an identity already existed; it was left unchanged',
        `peer id:  ${peerId}`,
        `data dir: ${globals.dataDir}`,
      ].join('\n'),
    };
  },
};

// `nightshift target submit <dir>`: sign and publish a target as this node's identity, measure
// its baseline, claim it, and stay online (serving the baseline's files) until the target's
// verifiers have made it entry 0.
import { resolve } from 'node:path';
import { type PublicKeyBytes, publicKeyFromPeerId, publicKeyOf } from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { loadTargetDir } from '@nightshift/target-dir';
import { InvalidArgumentError } from 'commander';
import { SubmitError, type SubmitEvent, submitTarget } from '../../../researcher/submit.ts';
import type { CommandSpec } from '../../command.ts';
import { CliError } from '../../errors.ts';
import { positiveInteger } from '../../options.ts';
import { printResult } from '../../output.ts';
import { addPeerOptions, type PeerCliOptions, peerOptionsFrom } from '../../peer-options.ts';

export interface TargetSubmitOptions extends PeerCliOptions {
  verifier?: PublicKeyBytes[];
  quorum?: number;
  wait: number;
  unsafeNoSandbox: boolean;
}

export const targetSubmitCommand: CommandSpec<TargetSubmitOptions> = {
  name: 'submit <dir>',
  summary: 'sign and publish a target, and stay until its verifiers make the baseline entry 0',
  configure(command) {
    command
      .option(
        '--verifier <peer id>',
        "a verifier's peer id (12D3KooW…); repeat for several (default: this node alone)",
        (value: string, previous: PublicKeyBytes[] = []) => [...previous, verifierKey(value)],
      )
      .option(
        '--quorum <n>',
        "agreeing verifiers an entry needs (default: the manifest's, else 1)",
        positiveInteger,
      )
      .option(
        '--wait <seconds>',
        'how long to wait for entry 0 after the baseline is claimed; 0 returns at once',
        (value: string) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 0)
            throw new InvalidArgumentError(`${value} is not a whole number of seconds.`);
          return n;
        },
        600,
      )
      .option(
        '--unsafe-no-sandbox',
        'measure the baseline without bubblewrap when it is missing (your own code only)',
        false,
      )
      .addHelpText(
        'after',
        "\nThe target is signed with this node's identity (see `nightshift init`). Its verifiers must" +
          "\nrun `nightshift verify` and reach this node: it serves the baseline's files until entry 0.",
      );
    addPeerOptions(command);
  },
  async run({ args, options, globals, context }) {
    const dir = await loadTargetDir(resolve(context.cwd, args[0]!));
    const signal = context.shutdownSignal();
    const peer = await (await import('../../../peer.ts')).Peer.start(
      peerOptionsFrom(options, globals.dataDir),
    );
    try {
      const runner = new Runner(
        { allowUnsandboxed: options.unsafeNoSandbox },
        { source: peer.store },
      );
      await runner.sandbox();
      const verifiers = options.verifier ?? [publicKeyOf(peer.privateKey)];
      const quorum = options.quorum ?? dir.manifest.quorum ?? 1;
      if (quorum > verifiers.length) {
        throw new CliError(
          'usage',
          `a quorum of ${quorum} needs at least ${quorum} --verifier keys, not ${verifiers.length}`,
        );
      }
      const print = (event: SubmitEvent) =>
        printResult(context, globals.json, { data: event, text: describe(event) });
      const { id, entry } = await submitTarget(
        dir,
        { verifiers, quorum, waitMs: options.wait * 1000 },
        {
          store: peer.store,
          gossip: peer.gossip,
          runner,
          key: peer.privateKey,
          signal,
          onEvent: print,
        },
      );
      const data = {
        event: 'submitted',
        target: Buffer.from(id).toString('hex'),
        accepted: entry !== undefined,
      };
      return {
        data,
        text: entry
          ? 'done: the target is live; workers can now run `nightshift work --target ' +
            dir.manifest.name +
            '`'
          : 'submitted; entry 0 is up to its verifiers',
      };
    } catch (err) {
      if (err instanceof SubmitError) {
        throw new CliError(
          err.code === 'baseline_failed' ? 'check_failed' : 'not_found',
          err.message,
          { cause: err },
        );
      }
      throw err;
    } finally {
      await peer.stop();
    }
  },
};

function verifierKey(value: string): PublicKeyBytes {
  try {
    return publicKeyFromPeerId(value);
  } catch {
    throw new InvalidArgumentError(`${value} is not an Ed25519 peer id (12D3KooW…).`);
  }
}

function describe(event: SubmitEvent): string {
  switch (event.event) {
    case 'published':
      return `published target ${event.name} ${event.target}\n  verifiers (quorum ${event.quorum}): ${event.verifiers.join(', ')}`;
    case 'measured':
      return `baseline measured: ${event.metric} (${event.runs.length} run${event.runs.length === 1 ? '' : 's'}, ${event.seconds.toFixed(1)} s)`;
    case 'announced':
      return `baseline claimed as candidate ${event.candidate.slice(0, 12)}; waiting for the verifiers…`;
    case 'accepted':
      return `entry 0 ${event.entry.slice(0, 12)} made at ${event.metric}`;
  }
}

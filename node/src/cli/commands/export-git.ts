// `nightshift export-git <target> <dir>`: the canonical chain as a git repository, one commit
// per entry on `main`; run again, it adds only the new entries (node/src/git-export).

import { resolve } from 'node:path';
import { ExportError, exportChain, GitError } from '../../git-export/index.ts';
import type { CommandSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { withStore } from '../open-store.ts';
import { resolveTarget } from '../resolve-target.ts';

export const exportGitCommand: CommandSpec = {
  name: 'export-git <target> <dir>',
  summary: "write a target's canonical chain as a git repository, one commit per entry",
  configure(command) {
    command.addHelpText(
      'after',
      '\nThe target is a name, an id, or a unique prefix of an id (at least 4 hex digits).' +
        '\n<dir> is created (or must be empty) the first time; later runs add only the new' +
        '\nentries to its `main` branch. Commits carry trailers (Nightshift-Entry, -Height,' +
        '\n-Metric, -Change, -Author, -Attestation, -Tree, -Target) and the entry time as their' +
        '\ndate, so the same chain always gives the same commit hashes. When fork choice has' +
        '\nmoved the head to another branch of the log, the commits that left the canonical' +
        '\nchain stay on a branch orphaned/<height>-<entry> and main follows the new chain.',
    );
  },
  async run({ args, globals, context }) {
    const dir = resolve(context.cwd, args[1]!);
    return withStore(globals.dataDir, async (store) => {
      const targetId = await resolveTarget(store, args[0]!);
      try {
        const result = await exportChain(store, targetId, dir);
        const lines = [
          result.added === 0
            ? `${dir}: up to date, ${result.chainLength} commits on ${result.branch}`
            : `${dir}: added ${result.added} commits, ${result.chainLength} on ${result.branch}`,
        ];
        if (result.head) lines.push(`head ${result.head}`);
        if (result.orphanedBranch) {
          lines.push(
            `fork choice moved the head: the commits that left the chain are on ${result.orphanedBranch}`,
          );
        }
        return { data: result, text: lines.join('\n') };
      } catch (err) {
        throw asCliError(err);
      }
    });
  },
};

function asCliError(err: unknown): unknown {
  if (err instanceof GitError) {
    return new CliError(err.missing ? 'git_missing' : 'internal', err.message, { cause: err });
  }
  if (!(err instanceof ExportError)) return err;
  const code = err.code === 'content_missing' ? 'not_found' : 'usage';
  return new CliError(code, err.message, { cause: err });
}

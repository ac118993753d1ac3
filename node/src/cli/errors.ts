// Every way a command can fail has a stable string code; scripts branch on the code (shown in
// `--json` errors) or on the exit code, never on message text. This file is the one place
// that maps codes to exit codes: README.md's table lists the same.

import { isRunnerError } from '@nightshift/runner';
import { StoreError } from '@nightshift/store';
import { isTargetDirError } from '@nightshift/target-dir';
import { CommanderError } from 'commander';
import { IdentityError, type IdentityErrorCode } from '../identity.ts';

export type CliErrorCode =
  /** A check ran and found something invalid (e.g. `audit` found a bad entry). */
  | 'check_failed'
  /** An unexpected error: a bug in nightshift. */
  | 'internal'
  /** Bad command line: unknown command or option, missing or invalid argument. */
  | 'usage'
  /** A named thing (a target, an entry) is not in this node's store. */
  | 'not_found'
  /** The data directory holds no store yet. */
  | 'no_store'
  /** Another process (a running node) has the store open. */
  | 'store_locked'
  /** The store cannot be read: another layout version, or damaged records. */
  | 'store_unreadable'
  /** A listen address (the peer's or the API's) is taken or cannot be bound here. */
  | 'address_unavailable'
  /** bubblewrap, which every untrusted experiment runs in, is missing or cannot run here. */
  | 'sandbox_missing'
  /** The running node of this data directory did not answer on its API. */
  | 'node_unreachable'
  /** A target directory's manifest or files are invalid (its message says which rule). */
  | 'target_invalid'
  /** A target's baseline did not produce a metric when run. */
  | 'baseline_failed'
  /** What the command waited for (entry 0 of a submitted target) did not happen in time. */
  | 'timed_out'
  /** The git binary, which export-git writes with, is not installed. */
  | 'git_missing'
  | IdentityErrorCode;

export const exitCodes: Readonly<Record<CliErrorCode, number>> = {
  check_failed: 1,
  internal: 1,
  usage: 2,
  no_store: 4,
  store_locked: 4,
  store_unreadable: 4,
  address_unavailable: 4,
  sandbox_missing: 4,
  git_missing: 4,
  node_unreachable: 4,
  target_invalid: 2,
  baseline_failed: 1,
  timed_out: 6,
  not_found: 5,
  data_dir_unwritable: 4,
  identity_missing: 4,
  identity_corrupt: 4,
  identity_insecure: 4,
};

export const EXIT_OK = 0;

export class CliError extends Error {
  static override readonly name = 'CliError';
  override readonly name = CliError.name;

  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return exitCodes[this.code];
  }
}

/** Turns anything a command threw into a CliError; unknown errors become `internal`. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof IdentityError) return new CliError(err.code, err.message, { cause: err });
  if (err instanceof StoreError) {
    const code = err.code === 'store_locked' ? 'store_locked' : 'store_unreadable';
    return new CliError(code, err.message, { cause: err });
  }
  if (isTargetDirError(err)) {
    return new CliError('target_invalid', `${err.code}: ${err.message}`, { cause: err });
  }
  if (isRunnerError(err, 'sandbox_missing') || isRunnerError(err, 'sandbox_unusable')) {
    return new CliError('sandbox_missing', err.message, { cause: err });
  }
  const bindFailure = bindErrorIn(err);
  if (bindFailure) return new CliError('address_unavailable', bindFailure.message, { cause: err });
  if (err instanceof CommanderError) {
    // Commander prefixes its messages with "error: "; ours are printed with our own prefix.
    return new CliError('usage', err.message.replace(/^error: /, ''), { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError('internal', message, { cause: err });
}

const BIND_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES']);

/** The socket error of a failed listen, wherever libp2p or fastify wrapped it. */
function bindErrorIn(err: unknown): Error | undefined {
  for (let at = err, depth = 0; at instanceof Error && depth < 5; depth++) {
    const { code, syscall } = at as NodeJS.ErrnoException;
    if (syscall === 'listen' || syscall === 'bind') {
      if (code && BIND_ERRORS.has(code)) return at;
    }
    at = at.cause;
  }
  return undefined;
}

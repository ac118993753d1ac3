// The `git` binary, run in a repository: the export writes through git's own tools (no git
// library), so what it produces is exactly what git would.
import { spawn } from 'node:child_process';

export class GitError extends Error {
  static override readonly name = 'GitError';
  override readonly name = GitError.name;

  constructor(
    message: string,
    /** True when the git binary itself could not be started (not installed). */
    readonly missing = false,
  ) {
    super(message);
  }
}

export interface GitRun {
  /** Feeds stdin; the promise it returns must settle before stdin is closed. */
  input?: (stdin: NodeJS.WritableStream) => Promise<void>;
  /** Exit codes that are answers rather than failures (`rev-parse --verify` says 1). */
  okCodes?: number[];
}

/** Runs `git <args>` in `dir`; resolves with stdout and the exit code. */
export function git(
  dir: string,
  args: string[],
  run: GitRun = {},
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    // A fixed environment: no pager, no prompts, no system or user config that would change
    // what is written (the export must give the same commits on every machine).
    const child = spawn('git', args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        LC_ALL: 'C',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new GitError('git is not installed (apt-get install git)', true)
          : new GitError(`git ${args[0]}: ${err.message}`),
      );
    });
    child.on('close', (code) => {
      const exit = code ?? 1;
      if (exit === 0 || run.okCodes?.includes(exit)) resolve({ stdout, code: exit });
      else reject(new GitError(`git ${args[0]} failed (${exit}): ${stderr.trim()}`));
    });
    // A child that exits early closes stdin under us: its exit code says why, not EPIPE.
    child.stdin.on('error', () => undefined);
    const input = run.input ? run.input(child.stdin) : Promise.resolve();
    input.then(
      () => child.stdin.end(),
      (err) => {
        child.kill('SIGTERM');
        reject(err);
      },
    );
  });
}

/** Writes to a stream, waiting while its buffer is full. */
export async function write(
  stream: NodeJS.WritableStream,
  data: string | Uint8Array,
): Promise<void> {
  if (!stream.write(data)) {
    await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}

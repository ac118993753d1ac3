/**
 * Runs one agent command with bounds: a wall-clock timeout, a cap on the output kept, and
 * cancellation. The command leads its own process group, so a timeout or cancellation kills
 * everything it started (agents spawn shells, language servers and test runs), and whatever
 * it left running after it exits is killed too.
 */
import { spawn } from 'node:child_process';

/** How long output may still arrive after the command exits. */
const EXIT_GRACE_MS = 2000;

export interface BoundedRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the command's stdin, which is then closed; without it stdin is empty. */
  stdin?: string;
  timeoutMs: number;
  /** Output beyond this many bytes (stdout and stderr together) keeps only the latest part. */
  maxOutputBytes: number;
  signal: AbortSignal;
}

export interface BoundedRun {
  /** The exit code, or null when a signal ended it or it never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the command could not be started (no such file, not executable). */
  spawnError?: Error;
  /** The last `maxOutputBytes` of stdout and stderr, interleaved as they came. */
  output: string;
}

export function runBounded(
  argv: readonly string[],
  options: BoundedRunOptions,
): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true, // its own process group, killed as one
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output = new OutputTail(options.maxOutputBytes);
    const result: BoundedRun = {
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: false,
      output: '',
    };

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is gone already.
      }
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      result.aborted = true;
      killGroup();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();

    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    // A command that never reads its stdin closes the pipe under us: not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');

    child.on('error', (err) => {
      result.spawnError = err;
    });
    // Leftover background processes still hold the pipes open: kill them so `close` comes,
    // and stop waiting for one that left the group (setsid) after a short grace.
    let grace: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      killGroup();
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, EXIT_GRACE_MS);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      options.signal.removeEventListener('abort', onAbort);
      result.exitCode = code;
      result.signal = signal;
      result.output = output.text();
      resolve(result);
    });
  });
}

/** Keeps the last `max` bytes of a stream without holding all of it. */
class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0]!.length >= this.max) {
      this.bytes -= this.chunks.shift()!.length;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

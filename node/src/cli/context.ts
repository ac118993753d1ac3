// What the CLI sees of the process. `main` takes it as a parameter so that tests can run
// commands in-process with their own environment and capture the output.
import { homedir } from 'node:os';

export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  homedir: string;
  cwd: string;
  /** Aborted when the user asks a long-running command to stop (SIGINT, SIGTERM). */
  shutdownSignal(): AbortSignal;
}

export function processContext(): CliContext {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    platform: process.platform,
    homedir: homedir(),
    cwd: process.cwd(),
    shutdownSignal: () => {
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => controller.abort(signal);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return controller.signal;
    },
  };
}

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
}

export function processContext(): CliContext {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    platform: process.platform,
    homedir: homedir(),
    cwd: process.cwd(),
  };
}

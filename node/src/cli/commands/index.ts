// Every command of `nightshift`, in the order `nightshift --help` lists them.
// A new command is one file in this folder that exports a CommandSpec, added here.
import type { AnyCommandSpec } from '../command.ts';
import { auditCommand } from './audit.ts';
import { demoCommand } from './demo.ts';
import { exportGitCommand } from './export-git.ts';
import { initCommand } from './init.ts';
import { logCommand } from './log.ts';
import { nodeCommand } from './node.ts';
import { reproduceCommand } from './reproduce.ts';
import { statusCommand } from './status.ts';
import { targetCommand } from './target.ts';
import { verifyCommand } from './verify.ts';
import { workCommand } from './work.ts';

export const commands: readonly AnyCommandSpec[] = [
  initCommand,
  nodeCommand,
  workCommand,
  verifyCommand,
  targetCommand,
  statusCommand,
  auditCommand,
  logCommand,
  exportGitCommand,
  reproduceCommand,
  demoCommand,
];

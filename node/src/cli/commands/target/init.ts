// `nightshift target init <dir>`: write a small target that works as it is (scaffold.ts): a
// manifest, its field-by-field README, program.md, a run and a score phase, and data.
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { CommandSpec } from '../../command.ts';
import { CliError } from '../../errors.ts';
import { scaffoldFiles } from './scaffold.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface TargetInitOptions {
  name?: string;
}

function targetName(value: string): string {
  if (!NAME.test(value)) {
    throw new InvalidArgumentError(
      `${value} is not a target name (lower-case letters, digits and -, at most 64).`,
    );
  }
  return value;
}

export const targetInitCommand: CommandSpec<TargetInitOptions> = {
  name: 'init <dir>',
  summary: 'write a new target directory that works out of the box, to edit into your own',
  configure(command) {
    command.option('--name <name>', "the target's name (default: the directory's)", targetName);
  },
  async run({ args, options, context }) {
    const dir = resolve(context.cwd, args[0]!);
    const name = options.name ?? nameFrom(basename(dir));
    if (existsSync(dir) && (await readdir(dir)).length > 0) {
      throw new CliError('usage', `${dir} is not empty: give a new or empty directory`);
    }
    const files = scaffoldFiles(name);
    for (const file of files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.content, { flag: 'wx' });
    }
    const paths = files.map((f) => f.path);
    return {
      data: { dir, name, files: paths },
      text: [
        `wrote target ${name} in ${dir}:`,
        ...paths.map((p) => `  ${p}`),
        `next: nightshift target check ${args[0]}  (README.md explains each field of target.json)`,
      ].join('\n'),
    };
  },
};

/** A valid target name from a directory's name, or a usage error asking for --name. */
function nameFrom(base: string): string {
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64);
  if (!NAME.test(name)) {
    throw new CliError('usage', `cannot make a target name of ${base}: give one with --name`);
  }
  return name;
}

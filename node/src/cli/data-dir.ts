// Where a node keeps its state: the `--data-dir` flag, else $NIGHTSHIFT_DATA_DIR, else the
// per-user data directory of the platform.
import { posix, win32 } from 'node:path';

export const DATA_DIR_ENV = 'NIGHTSHIFT_DATA_DIR';
const APP_DIR = 'nightshift';

export interface DataDirSources {
  flag: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  homedir: string;
  /** Resolves a relative flag or env value; the process's working directory by default. */
  cwd: string;
}

/** The absolute data directory, by precedence: flag, environment, platform default. */
export function resolveDataDir(sources: DataDirSources): string {
  const path = sources.platform === 'win32' ? win32 : posix;
  const chosen = nonEmpty(sources.flag) ?? nonEmpty(sources.env[DATA_DIR_ENV]);
  if (chosen !== undefined) return path.resolve(sources.cwd, chosen);
  return defaultDataDir(sources);
}

/** The platform's per-user data directory for nightshift. */
export function defaultDataDir({ env, platform, homedir }: Omit<DataDirSources, 'flag' | 'cwd'>) {
  switch (platform) {
    case 'win32':
      return win32.join(
        nonEmpty(env['APPDATA']) ?? win32.join(homedir, 'AppData', 'Roaming'),
        APP_DIR,
      );
    case 'darwin':
      return posix.join(homedir, 'Library', 'Application Support', APP_DIR);
    default: {
      // The XDG spec says to ignore a relative $XDG_DATA_HOME.
      const xdg = nonEmpty(env['XDG_DATA_HOME']);
      const base =
        xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(homedir, '.local', 'share');
      return posix.join(base, APP_DIR);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

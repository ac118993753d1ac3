import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DataDirSources, resolveDataDir } from './data-dir.ts';

const linux: DataDirSources = {
  flag: undefined,
  env: {},
  platform: 'linux',
  homedir: '/home/ada',
  cwd: '/work',
};

describe('resolveDataDir', () => {
  it('takes the --data-dir flag over NIGHTSHIFT_DATA_DIR', () => {
    const env = { NIGHTSHIFT_DATA_DIR: '/from/env' };
    assert.equal(resolveDataDir({ ...linux, env, flag: '/from/flag' }), '/from/flag');
  });

  it('takes NIGHTSHIFT_DATA_DIR over the platform default', () => {
    const env = { NIGHTSHIFT_DATA_DIR: '/from/env', XDG_DATA_HOME: '/xdg' };
    assert.equal(resolveDataDir({ ...linux, env }), '/from/env');
  });

  it('treats empty values as unset', () => {
    const env = { NIGHTSHIFT_DATA_DIR: '', XDG_DATA_HOME: '' };
    assert.equal(resolveDataDir({ ...linux, env, flag: '' }), '/home/ada/.local/share/nightshift');
  });

  it('resolves a relative flag or variable against the working directory', () => {
    assert.equal(resolveDataDir({ ...linux, flag: 'state' }), '/work/state');
    const env = { NIGHTSHIFT_DATA_DIR: '../elsewhere' };
    assert.equal(resolveDataDir({ ...linux, env }), '/elsewhere');
  });

  it('defaults to $XDG_DATA_HOME/nightshift on Linux, ignoring a relative XDG_DATA_HOME', () => {
    assert.equal(resolveDataDir({ ...linux, env: { XDG_DATA_HOME: '/xdg' } }), '/xdg/nightshift');
    assert.equal(
      resolveDataDir({ ...linux, env: { XDG_DATA_HOME: 'relative' } }),
      '/home/ada/.local/share/nightshift',
    );
  });

  it('defaults to ~/Library/Application Support/nightshift on macOS', () => {
    assert.equal(
      resolveDataDir({ ...linux, platform: 'darwin', homedir: '/Users/ada' }),
      '/Users/ada/Library/Application Support/nightshift',
    );
  });

  it('defaults to %APPDATA%\\nightshift on Windows', () => {
    const windows = {
      ...linux,
      platform: 'win32',
      homedir: 'C:\\Users\\ada',
      cwd: 'C:\\',
    } as const;
    assert.equal(
      resolveDataDir({ ...windows, env: { APPDATA: 'D:\\Roaming' } }),
      'D:\\Roaming\\nightshift',
    );
    assert.equal(resolveDataDir(windows), 'C:\\Users\\ada\\AppData\\Roaming\\nightshift');
  });
});

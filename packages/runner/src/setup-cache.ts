/**
 * The setup phase's cache: a target's optional `setup` runs once per (setup command, harness
 * hash), since it sees only the harness files; what it writes is kept under that key and shown
 * read-only to the later phases at /nightshift/setup. A failed setup is not kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Hash, hashHex } from '@nightshift/protocol';
import { giveTo, type SandboxUser, shareWithSandboxes } from './sandbox-user.ts';

/** A local cache key, not a protocol hash: SHA-256 over length-prefixed parts. */
export function setupKey(setup: readonly string[], harness: Hash): string {
  const hash = createHash('sha256').update('nightshift-setup/1');
  for (const part of [hashHex(harness), ...setup]) {
    const bytes = Buffer.from(part, 'utf8');
    hash.update(String(bytes.length)).update(':').update(bytes);
  }
  return hash.digest('hex');
}

export class SetupCache {
  constructor(
    readonly dir: string,
    private readonly user?: SandboxUser,
  ) {}

  /** The directory of a finished setup, if there is one. */
  async lookup(key: string): Promise<string | undefined> {
    const path = join(this.dir, key);
    return (await stat(path).catch(() => undefined))?.isDirectory() ? path : undefined;
  }

  /** A fresh directory for a setup to write into; `commit` or `discard` it afterwards. */
  async prepare(key: string): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await shareWithSandboxes(this.dir, this.user);
    const path = join(this.dir, `${key}.partial-${randomBytes(6).toString('hex')}`);
    await mkdir(path, { mode: 0o755 });
    await giveTo(path, this.user);
    return path;
  }

  /** Keeps a finished setup under its key; if another run finished first, keeps that one. */
  async commit(partial: string, key: string): Promise<string> {
    const path = join(this.dir, key);
    try {
      await rename(partial, path);
    } catch {
      await this.discard(partial);
    }
    return path;
  }

  async discard(partial: string): Promise<void> {
    await rm(partial, { recursive: true, force: true });
  }
}

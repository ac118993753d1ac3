/**
 * An experiment's scratch directory: the tree's views (materialize.ts), the sandbox's passwd
 * and group, the size-limited output directories, and their removal afterwards (kept on
 * request, for debugging). As root it is `root:<sandbox gid>` 0750: sandboxes can enter it,
 * other local users cannot read the tree or its held-out files.
 */

import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target, Tree } from '@nightshift/protocol';
import { workspacePrefix } from './abandoned.ts';
import { type BoundedDir, boundedDir } from './bounded-dir.ts';
import { etcFiles } from './layout.ts';
import { materializeViews, type TreeSource, type Views } from './materialize.ts';
import { giveTo, type SandboxUser, shareWithSandboxes } from './sandbox-user.ts';

export class Workspace {
  private readonly bounded: BoundedDir[] = [];

  private constructor(
    readonly root: string,
    readonly views: Views,
    /** passwd and group for the sandboxes. */
    readonly etc: string,
    /** HOME of unsandboxed (unsafe) phases. */
    readonly home: string,
    private readonly user: SandboxUser | undefined,
  ) {}

  static async create(
    scratchDir: string,
    source: TreeSource,
    tree: Tree,
    target: Pick<Target, 'mutablePaths' | 'heldOutPaths'>,
    user: SandboxUser | undefined,
  ): Promise<Workspace> {
    const root = await mkdtemp(join(scratchDir, workspacePrefix()));
    try {
      await shareWithSandboxes(root, user);
      const views = await materializeViews(source, tree, target, root);
      const etc = join(root, 'etc');
      const home = join(root, 'home');
      await mkdir(etc, { mode: 0o755 });
      await mkdir(home, { mode: 0o700 });
      await giveTo(home, user);
      const files = etcFiles(user);
      await writeFile(join(etc, 'passwd'), files.passwd, { mode: 0o644 });
      await writeFile(join(etc, 'group'), files.group, { mode: 0o644 });
      return new Workspace(root, views, etc, home, user);
    } catch (err) {
      // The caller needs the cause (a missing blob, a bad tree), not a failed cleanup.
      await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(
        () => undefined,
      );
      throw err;
    }
  }

  /** A writable directory of the workspace, limited to `limitBytes`, owned by the sandbox user. */
  async outputDir(name: string, limitBytes: number, tmpfs: boolean): Promise<BoundedDir> {
    const dir = await boundedDir(join(this.root, name), limitBytes, tmpfs, this.user);
    this.bounded.push(dir);
    return dir;
  }

  /** Unmounts the output tmpfs and removes everything, unless `keep` (then tmpfs files are copied out). */
  async dispose(keep: boolean): Promise<void> {
    const mounted = this.bounded.filter((dir) => dir.kind === 'tmpfs');
    if (!keep) {
      // Unmounted together: each is an `umount` process, and their start-up is most of the cost.
      await Promise.all(mounted.map((dir) => dir.release()));
      // Retried: the kernel may still be tearing down a sandbox that just exited.
      await rm(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      return;
    }
    for (const dir of mounted) {
      const copy = `${dir.path}.kept`;
      await cp(dir.path, copy, { recursive: true }).catch(() => {});
      await dir.release();
      await rm(dir.path, { recursive: true, force: true });
      await rename(copy, dir.path).catch(() => {});
    }
  }
}

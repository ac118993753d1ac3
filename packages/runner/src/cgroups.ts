/**
 * Per-sandbox cgroups: the precise way to bound a sandbox's memory and number of tasks, and to
 * find and kill every process it started. Each sandbox gets a child of this process's own
 * cgroup (so the node's own limits still apply above it), in cgroup v1 (memory and pids
 * hierarchies) or v2 (memory and pids enabled for children). Where neither is writable (not
 * root, or a v2 cgroup that holds processes and has no controllers delegated), `open` says
 * why and the runner falls back to polling the process tree (watchdog.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface CgroupLimits {
  memoryBytes: number;
  /** Tasks: processes and their threads, as the kernel's pids controller counts them. */
  tasks: number;
}

export interface CgroupEvents {
  oomKills: number;
  /** Forks refused at the task limit. */
  taskLimitHits: number;
}

type Layout = { version: 1; memory: string; pids: string } | { version: 2; dir: string };

let layout: Promise<Layout | string> | undefined;

/** This process's cgroup directories, or why per-sandbox cgroups cannot be made here. */
export function cgroupSupport(): Promise<Layout | string> {
  layout ??= detect();
  return layout;
}

export class SandboxCgroup {
  private constructor(
    private readonly layout: Layout,
    /** One directory per hierarchy (v1: memory, pids; v2: one). */
    readonly dirs: string[],
  ) {}

  /** A new cgroup with these limits, or the reason there is none (the caller falls back). */
  static async open(limits: CgroupLimits): Promise<SandboxCgroup | string> {
    const found = await cgroupSupport();
    if (typeof found === 'string') return found;
    const name = `nightshift-${process.pid}-${randomBytes(6).toString('hex')}`;
    const dirs =
      found.version === 1
        ? [join(found.memory, name), join(found.pids, name)]
        : [join(found.dir, name)];
    const cgroup = new SandboxCgroup(found, dirs);
    try {
      for (const dir of dirs) await mkdir(dir);
      await cgroup.limit(limits);
      return cgroup;
    } catch (err) {
      await cgroup.remove();
      return `cannot set up a cgroup: ${(err as Error).message}`;
    }
  }

  /** The files a process writes its pid to, to join (the sandbox wrapper joins before exec). */
  get procsFiles(): string[] {
    return this.dirs.map((dir) => join(dir, 'cgroup.procs'));
  }

  async events(): Promise<CgroupEvents> {
    const [memory, pids] =
      this.layout.version === 1
        ? [this.file(0, 'memory.oom_control'), this.file(1, 'pids.events')]
        : [this.file(0, 'memory.events'), this.file(0, 'pids.events')];
    return {
      oomKills: counter(await readText(memory), 'oom_kill'),
      taskLimitHits: counter(await readText(pids), 'max'),
    };
  }

  /** Peak memory use as the memory controller counts it (page cache included), if known. */
  async peakMemoryBytes(): Promise<number | undefined> {
    const file = this.layout.version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak';
    const text = await readText(this.file(0, file));
    return text === '' ? undefined : Number(text.trim());
  }

  /** Kills every process in the cgroup, again until none is left (a fork may race a kill). */
  async killAll(): Promise<void> {
    if (this.layout.version === 2)
      await writeFile(this.file(0, 'cgroup.kill'), '1').catch(() => {});
    for (let round = 0; round < 100; round++) {
      const pids = new Set<number>();
      for (const file of this.procsFiles) {
        for (const line of (await readText(file)).split('\n')) if (line) pids.add(Number(line));
      }
      if (pids.size === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Removes the cgroup; its processes must be gone (call killAll first). */
  async remove(): Promise<void> {
    for (const dir of this.dirs) {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }

  private async limit({ memoryBytes, tasks }: CgroupLimits): Promise<void> {
    const memory = String(memoryBytes);
    if (this.layout.version === 1) {
      await writeFile(this.file(0, 'memory.limit_in_bytes'), memory);
      // No swapping around the limit, where the kernel offers the swap counter.
      await writeFile(this.file(0, 'memory.memsw.limit_in_bytes'), memory).catch(() => {});
      await writeFile(this.file(1, 'pids.max'), String(tasks));
    } else {
      await writeFile(this.file(0, 'memory.max'), memory);
      await writeFile(this.file(0, 'memory.swap.max'), '0').catch(() => {});
      await writeFile(this.file(0, 'pids.max'), String(tasks));
    }
  }

  private file(dir: number, name: string): string {
    return join(this.dirs[dir]!, name);
  }
}

async function detect(): Promise<Layout | string> {
  if (process.platform !== 'linux') return 'cgroups exist on Linux only';
  const mounts = (await readText('/proc/self/mountinfo')).split('\n').map(parseMount);
  const own = new Map<string, string>();
  for (const line of (await readText('/proc/self/cgroup')).split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path !== undefined) for (const c of controllers!.split(',')) own.set(c, path);
  }
  const v1 = (controller: string) => {
    const mount = mounts.find((m) => m?.type === 'cgroup' && m.options.includes(controller));
    const path = own.get(controller);
    return mount && path !== undefined ? join(mount.point, relative(mount.root, path)) : undefined;
  };
  const memory = v1('memory');
  const pids = v1('pids');
  if (memory && pids) return { version: 1, memory, pids };
  const unified = mounts.find((m) => m?.type === 'cgroup2');
  const path = own.get('');
  if (!unified || path === undefined)
    return 'no cgroup v1 memory and pids hierarchies, and no cgroup v2';
  const dir = join(unified.point, relative(unified.root, path));
  try {
    const enabled = (await readText(join(dir, 'cgroup.subtree_control'))).split(/\s+/);
    if (!enabled.includes('memory') || !enabled.includes('pids')) {
      await writeFile(join(dir, 'cgroup.subtree_control'), '+memory +pids');
    }
  } catch (err) {
    return `cgroup v2: cannot enable memory and pids for children of ${dir}: ${(err as Error).message}`;
  }
  return { version: 2, dir };
}

function parseMount(line: string) {
  const [left, right] = line.split(' - ');
  if (!left || !right) return undefined;
  const fields = left.split(' ');
  const [type, , superOptions] = right.split(' ');
  return {
    root: fields[3]!,
    point: fields[4]!,
    type: type!,
    options: (superOptions ?? '').split(','),
  };
}

function counter(text: string, name: string): number {
  const found = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return found ? Number(found[1]) : 0;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The fallback where no cgroup can be made: the runner polls the sandbox's process tree in
 * /proc and kills it when it holds too many tasks or too much memory. The walk follows
 * `/proc/<pid>/task/<tid>/children` from the sandbox's root process and stops as soon as the
 * task limit is passed, so a fork bomb costs a poll no more than the limit. Polling can still
 * overshoot between two looks (a fork bomb or a fast allocation gets up to one poll interval),
 * so the README lists this as the degraded mode; with cgroups the kernel enforces both limits.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface TreeUsage {
  /** Tasks (processes and threads), as the pids controller would count them; at most max + 1. */
  tasks: number;
  /** Proportional set size of the tree (shared pages split between sharers); RSS if unknown. */
  memoryBytes: number;
}

/** Tasks and memory of the tree under `root`, walked until more than `maxTasks` are found. */
export async function treeUsage(root: number, maxTasks: number): Promise<TreeUsage> {
  const usage: TreeUsage = { tasks: 0, memoryBytes: 0 };
  await walk(root, async (pid, threads) => {
    usage.tasks += threads;
    if (usage.tasks > maxTasks) return false;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const pss = field(rollup, 'Pss');
    const rss =
      pss === undefined
        ? field(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''), 'VmRSS')
        : pss;
    usage.memoryBytes += 1024 * (rss ?? 0);
    return true;
  });
  return usage;
}

/** Sends SIGKILL to every process of the tree (for unsandboxed runs, which have no pid namespace). */
export async function killTree(root: number): Promise<void> {
  const pids: number[] = [];
  await walk(root, async (pid) => {
    pids.push(pid);
    return true;
  });
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

/** Tasks (threads) of every process whose real uid is `uid`: what RLIMIT_NPROC counts. */
export async function uidTasks(uid: number): Promise<number> {
  let tasks = 0;
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
    if (new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) tasks += field(status, 'Threads') ?? 1;
  }
  return tasks;
}

/** Visits `root` and its descendants breadth first until `visit` returns false. */
async function walk(
  root: number,
  visit: (pid: number, threads: number) => Promise<boolean>,
): Promise<void> {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    if (tids.length === 0) continue;
    if (!(await visit(pid, tids.length))) return;
    for (const tid of tids) {
      const children = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const child of children.split(' ')) if (child.trim()) queue.push(Number(child));
    }
  }
}

function field(text: string, name: string): number | undefined {
  const found = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
  return found ? Number(found[1]) : undefined;
}

// `nightshift status`: what this data directory's node is doing: whether it runs, its peers,
// its targets with their heads and verification queues, and its local worker. Read from the
// running node's API, or from the store when no node runs (cli/node-api.ts).
import type { CommandSpec } from '../command.ts';
import { type NodeApi, withNodeApi } from '../node-api.ts';

interface NodeView {
  peerId: string;
  version: string;
  addresses: string[];
  peers: { peerId: string; address: string }[];
}
interface TargetView {
  id: string;
  name: string;
  metric: { name: string; direction: string };
  head: { hash: string; height: number; metric: number } | null;
}
interface CandidateView {
  id: string;
  status: string;
  reason: string;
  claim: number;
  updatedAt: number;
}
interface WorkerView {
  worker: { name: string; status: string; experiments: number; best?: number } | null;
}

/** How far back `status` counts rejections. */
const RECENT_MS = 60 * 60 * 1000;

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: "this node's peers, targets and heads, verification queue and local worker",
  async run({ globals }) {
    const report = await withNodeApi(globals.dataDir, (api) => gather(api));
    return { data: report, text: describe(report) };
  },
};

async function gather(api: NodeApi) {
  const node = await api.get<NodeView>('/api/v1/node');
  const { targets } = await api.get<{ targets: TargetView[] }>('/api/v1/targets');
  const since = Date.now() - RECENT_MS;
  const withQueues = [];
  for (const target of targets) {
    const { candidates } = await api.get<{ candidates: CandidateView[] }>(
      `/api/v1/targets/${target.id}/candidates?limit=1000`,
    );
    const count = (status: string) => candidates.filter((c) => c.status === status).length;
    withQueues.push({
      ...target,
      queue: { pending: count('pending'), verifying: count('verifying') },
      recentRejections: candidates.filter((c) => c.status === 'rejected' && c.updatedAt >= since)
        .length,
    });
  }
  const { worker } = await api.get<WorkerView>('/api/v1/worker?limit=1');
  return {
    running: api.url !== undefined,
    ...(api.url !== undefined && { api: api.url }),
    peerId: node.peerId,
    version: node.version,
    peers: node.peers,
    targets: withQueues,
    worker,
  };
}

function describe(report: Awaited<ReturnType<typeof gather>>): string {
  const lines = [
    report.running
      ? `node:    running, peer ${report.peerId}, API ${report.api}`
      : `node:    not running (read from its store); peer ${report.peerId || 'unknown'}`,
    `peers:   ${report.running ? `${report.peers.length} connected` : '-'}`,
  ];
  if (report.targets.length === 0) lines.push('targets: none yet');
  else lines.push('targets:');
  for (const t of report.targets) {
    const head = t.head
      ? `entry ${t.head.height}  ${t.metric.name} ${t.head.metric}`
      : 'no entry 0 yet';
    lines.push(
      `  ${t.name.padEnd(16)} ${t.id.slice(0, 12)}  ${head}  queue ${t.queue.pending} pending, ` +
        `${t.queue.verifying} verifying; ${t.recentRejections} rejected in the last hour`,
    );
  }
  const w = report.worker;
  lines.push(
    w
      ? `worker:  ${w.status} on ${w.name}, ${w.experiments} experiments${w.best === undefined ? '' : `, best ${w.best}`}`
      : 'worker:  none',
  );
  return lines.join('\n');
}

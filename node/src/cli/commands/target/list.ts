// `nightshift target list`: the stored targets with their heads, as a table (or --json).
import { hashHex } from '@nightshift/protocol';
import type { CommandSpec } from '../../command.ts';
import { withStore } from '../../open-store.ts';

export const targetListCommand: CommandSpec = {
  name: 'list',
  summary: 'list the stored targets with their heads',
  async run({ globals }) {
    return withStore(globals.dataDir, async (store) => {
      const rows = [];
      for await (const id of store.targets.ids()) {
        const target = (await store.targets.get(id))!;
        const head = await store.entries.head(id);
        const genesisHash = await store.entries.canonicalAt(id, 0);
        const genesis = genesisHash && (await store.entries.get(genesisHash));
        rows.push({
          id: hashHex(id),
          name: target.name,
          metric: target.metric.name,
          direction: target.metric.direction,
          height: head?.height ?? null,
          head: head ? hashHex(head.head) : null,
          headMetric: head?.metric ?? null,
          baselineMetric: genesis ? genesis.metric : null,
          entries: await store.entries.count(id),
        });
      }
      return { data: rows, text: table(rows) };
    });
  },
};

type Row = {
  id: string;
  name: string;
  metric: string;
  height: number | null;
  headMetric: number | null;
  baselineMetric: number | null;
};

function table(rows: Row[]): string {
  if (rows.length === 0) return 'no targets stored yet';
  const num = (n: number | null) => (n === null ? '-' : n.toFixed(6));
  const lines = [['NAME', 'ID', 'HEIGHT', 'METRIC', 'HEAD', 'BASELINE']];
  for (const r of rows) {
    lines.push([
      r.name,
      r.id.slice(0, 12),
      r.height === null ? '-' : String(r.height),
      r.metric,
      num(r.headMetric),
      num(r.baselineMetric),
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

// A unified diff of two texts, line by line, as `diff -u` and git print it. The edit script
// is Myers' O(ND) shortest one; past MAX_EDITS differences (two unrelated files) the script
// gives up on finding the shortest and replaces every line, which is still a correct diff.

export type EditKind = 'equal' | 'delete' | 'insert';

export interface Edit {
  kind: EditKind;
  /** The line with its line feed, when it has one (the last line of a file may not). */
  line: string;
}

export interface UnifiedDiffOptions {
  /** The old file's name in the `---` header, e.g. `a/train.py` or `/dev/null`. */
  oldName: string;
  /** The new file's name in the `+++` header. */
  newName: string;
  /** Unchanged lines shown around each change (3, as diff -u). */
  context?: number;
}

/** Beyond this many differing lines the diff replaces everything (bounded time and memory). */
export const MAX_EDITS = 2000;

const NO_NEWLINE = '\\ No newline at end of file\n';

/** The lines of a text, each with its line feed; the last one without, when the text has none. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/);
}

/** The shortest edit script turning `a` into `b` (or a full replacement past MAX_EDITS). */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] is the furthest x on each diagonal k ∈ [-d-1, d+1] before round d, at k + d + 1.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return [
    ...a.map((line) => ({ kind: 'delete' as const, line })),
    ...b.map((line) => ({ kind: 'insert' as const, line })),
  ];
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[]): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const at = (k: number) => v[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = d === 0 ? 0 : down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ kind: 'equal', line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ kind: 'insert', line: b[prevY]! });
      else edits.push({ kind: 'delete', line: a[prevX]! });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

/** The unified diff of two texts; the empty string when they are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const edits = diffLines(splitLines(oldText), splitLines(newText));
  let out = `--- ${options.oldName}\n+++ ${options.newName}\n`;
  for (const hunk of hunks(edits, context)) out += renderHunk(edits, hunk);
  return out;
}

interface Hunk {
  /** Edit indexes [from, to). */
  from: number;
  to: number;
}

/** Changes closer than 2 × context lines share a hunk, as diff -u groups them. */
function hunks(edits: readonly Edit[], context: number): Hunk[] {
  const out: Hunk[] = [];
  let i = 0;
  while (i < edits.length) {
    if (edits[i]!.kind === 'equal') {
      i++;
      continue;
    }
    const from = Math.max(0, i - context);
    let last = i;
    let j = i + 1;
    while (j < edits.length) {
      if (edits[j]!.kind !== 'equal') last = j;
      else if (j - last > 2 * context) break;
      j++;
    }
    const to = Math.min(edits.length, last + context + 1);
    out.push({ from, to });
    i = to;
  }
  return out;
}

function renderHunk(edits: readonly Edit[], { from, to }: Hunk): string {
  let oldStart = 1;
  let newStart = 1;
  for (let i = 0; i < from; i++) {
    if (edits[i]!.kind !== 'insert') oldStart++;
    if (edits[i]!.kind !== 'delete') newStart++;
  }
  let oldCount = 0;
  let newCount = 0;
  let body = '';
  for (let i = from; i < to; i++) {
    const { kind, line } = edits[i]!;
    if (kind !== 'insert') oldCount++;
    if (kind !== 'delete') newCount++;
    const prefix = kind === 'equal' ? ' ' : kind === 'delete' ? '-' : '+';
    body += line.endsWith('\n') ? `${prefix}${line}` : `${prefix}${line}\n${NO_NEWLINE}`;
  }
  // An empty side is numbered by the line before it (0 for the start), as diff -u does.
  const range = (start: number, count: number) =>
    count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
  return `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${body}`;
}

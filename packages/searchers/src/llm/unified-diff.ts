/**
 * A small, strict unified-diff applier for model answers. Strict where it matters: every
 * context and removed line must be in the file exactly (no fuzz, no whitespace leniency).
 * Lenient where models are unreliable: hunk header line numbers and counts are hints, so a
 * hunk applies where its lines are (nearest to the stated line when they occur twice).
 */
import { SearcherError } from '../errors.ts';

export interface FilePatch {
  /** Paths as written after `---` and `+++` (prefixes such as `a/` kept); null for /dev/null. */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
}

export interface Hunk {
  /** The header's old start line (1-based): where to look first. */
  oldStart: number;
  lines: { op: ' ' | '-' | '+'; text: string }[];
  /** `\ No newline at end of file` after an old-side or new-side line. */
  oldNoEol: boolean;
  newNoEol: boolean;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/;

const malformed = (why: string) => new SearcherError('diff_malformed', why);

export function parseUnifiedDiff(diff: string): FilePatch[] {
  const lines = diff.replace(/\r?\n$/, '').split(/\r?\n/);
  const patches: FilePatch[] = [];
  let i = 0;
  const isFileHeader = (k: number) =>
    lines[k]?.startsWith('--- ') === true && lines[k + 1]?.startsWith('+++ ') === true;
  while (i < lines.length) {
    // Anything before a file header (`diff --git`, `index`, prose) is not part of a patch.
    if (!isFileHeader(i)) {
      if (HUNK_HEADER.test(lines[i]!)) throw malformed('a hunk before any ---/+++ file header');
      i++;
      continue;
    }
    const patch: FilePatch = {
      oldPath: pathOf(lines[i]!),
      newPath: pathOf(lines[i + 1]!),
      hunks: [],
    };
    i += 2;
    while (i < lines.length && !isFileHeader(i) && !lines[i]!.startsWith('diff ')) {
      const header = HUNK_HEADER.exec(lines[i]!);
      if (!header) throw malformed(`expected a hunk header, got: ${lines[i]!.slice(0, 80)}`);
      const hunk: Hunk = {
        oldStart: Number(header[1]),
        lines: [],
        oldNoEol: false,
        newNoEol: false,
      };
      for (i++; i < lines.length && !HUNK_HEADER.test(lines[i]!) && !isFileHeader(i); i++) {
        const line = lines[i]!;
        if (line.startsWith('diff ')) break;
        if (line.startsWith('\\')) {
          const last = hunk.lines.at(-1);
          if (last?.op !== '+') hunk.oldNoEol = true;
          if (last?.op !== '-') hunk.newNoEol = true;
          continue;
        }
        const op = line === '' ? ' ' : line[0];
        if (op !== ' ' && op !== '-' && op !== '+') {
          throw malformed(`a hunk line must start with " ", "-" or "+": ${line.slice(0, 80)}`);
        }
        hunk.lines.push({ op, text: line.slice(1) });
      }
      // A blank line after the last hunk is the end of the answer, not an empty context line.
      while (
        hunk.lines.at(-1)?.op === ' ' &&
        hunk.lines.at(-1)?.text === '' &&
        lines[i] === undefined
      ) {
        hunk.lines.pop();
      }
      if (!hunk.lines.some((l) => l.op !== ' ')) throw malformed('a hunk that changes nothing');
      patch.hunks.push(hunk);
    }
    if (patch.hunks.length === 0) throw malformed('a file header without hunks');
    patches.push(patch);
  }
  if (patches.length === 0) throw malformed('no ---/+++ file header');
  return patches;
}

function pathOf(header: string): string | null {
  const path = header.slice(4).split('\t')[0]!.trim();
  return path === '/dev/null' ? null : path;
}

/** The text after every hunk; throws `diff_does_not_apply` naming the hunk that fails. */
export function applyPatch(original: string, patch: FilePatch, name: string): string {
  const crlf = original.includes('\r\n');
  const body = crlf ? original.replaceAll('\r\n', '\n') : original;
  let eol = body === '' || body.endsWith('\n');
  const lines = body === '' ? [] : body.replace(/\n$/, '').split('\n');
  let cursor = 0; // hunks apply in order and never overlap
  for (const [n, hunk] of patch.hunks.entries()) {
    const before = hunk.lines.filter((l) => l.op !== '+').map((l) => l.text);
    const after = hunk.lines.filter((l) => l.op !== '-').map((l) => l.text);
    const at = locate(lines, before, cursor, hunk.oldStart);
    if (at === undefined) {
      throw new SearcherError(
        'diff_does_not_apply',
        `hunk ${n + 1} (@@ -${hunk.oldStart} @@) of ${name}: its context and removed lines are not in the file`,
      );
    }
    const reachesEnd = at + before.length === lines.length;
    lines.splice(at, before.length, ...after);
    cursor = at + after.length;
    if (reachesEnd && cursor === lines.length) eol = !hunk.newNoEol;
  }
  const text = lines.join('\n') + (eol && lines.length > 0 ? '\n' : '');
  return crlf ? text.replaceAll('\n', '\r\n') : text;
}

/** Where `needle` occurs at or after `from`, nearest to the hinted 1-based line. */
function locate(lines: string[], needle: string[], from: number, hint: number): number | undefined {
  // A pure insertion has nothing to match: the header's line is all there is.
  if (needle.length === 0) return Math.min(Math.max(hint, from), lines.length);
  let best: number | undefined;
  for (let at = from; at + needle.length <= lines.length; at++) {
    if (!needle.every((text, k) => lines[at + k] === text)) continue;
    if (best === undefined || Math.abs(at - (hint - 1)) < Math.abs(best - (hint - 1))) best = at;
  }
  return best;
}

/**
 * Reads a model's answer as the prompt asks for it: a `Description:` line and one or more
 * fenced blocks, each either a whole file tagged with its path (```model.py) or a unified
 * diff (```diff). Blocks tagged only with a language are prose and ignored. What comes back
 * is the set of changed files; the caller checks them against the mutable paths.
 */
import { SearcherError } from '../errors.ts';
import { applyPatch, type FilePatch, parseUnifiedDiff } from './unified-diff.ts';

export interface Block {
  info: string;
  content: string;
}

/** Fenced blocks, CommonMark-style: a closing fence uses the same character, at least as long. */
export function fencedBlocks(answer: string): { blocks: Block[]; prose: string[] } {
  const lines = answer.split(/\r?\n/);
  const blocks: Block[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open || (open[1]![0] === '`' && open[2]!.includes('`'))) {
      prose.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const end = lines.findIndex((line, k) => k > i && close.test(line));
    // An unclosed block is a cut-off answer: nothing in it can be trusted to be whole.
    if (end === -1) break;
    const body = lines.slice(i + 1, end);
    blocks.push({ info: open[2]!.trim(), content: body.length > 0 ? `${body.join('\n')}\n` : '' });
    i = end;
  }
  return { blocks, prose };
}

const DIFF_TAGS = new Set(['diff', 'patch', 'udiff']);

/** The path a block's info string names: a token with a `.` or `/` (`python model.py`,
 *  `python:model.py`, `path=model.py`); language names have neither. */
export function taggedPath(info: string): string | undefined {
  return info
    .split(/[\s:=]+/)
    .map((t) => t.replace(/^["'`*]+|["'`*]+$/g, ''))
    .find((t) => /[./]/.test(t) && !t.startsWith('.') && !t.endsWith('/'));
}

export interface AppliedAnswer {
  files: Map<string, Uint8Array>;
  description: string | undefined;
}

export function applyAnswer(
  answer: string,
  current: ReadonlyMap<string, Uint8Array>,
): AppliedAnswer {
  const { blocks, prose } = fencedBlocks(answer);
  const texts = new Map<string, string>();
  const read = (path: string) => texts.get(path) ?? decode(current.get(path));
  for (const block of blocks) {
    const isDiff =
      DIFF_TAGS.has(block.info.split(/\s+/)[0]!.toLowerCase()) ||
      /^(--- |diff --git )/.test(block.content);
    if (isDiff) {
      for (const patch of parseUnifiedDiff(block.content)) {
        const path = resolvePath(patch, current);
        texts.set(path, applyPatch(patch.oldPath === null ? '' : (read(path) ?? ''), patch, path));
      }
      continue;
    }
    const path = taggedPath(block.info);
    if (path !== undefined) texts.set(path, block.content);
  }
  if (texts.size === 0) {
    throw new SearcherError(
      'llm_no_edit',
      'no fenced block tagged with a file path and no ```diff block',
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, text] of texts) files.set(path, new TextEncoder().encode(text));
  return { files, description: descriptionLine(prose) };
}

/** The file a patch edits: git's `a/` and `b/` prefixes are dropped unless the file is
 *  really named that way. Deletions and renames are not changes a proposal can carry. */
function resolvePath(patch: FilePatch, current: ReadonlyMap<string, Uint8Array>): string {
  if (patch.newPath === null)
    throw new SearcherError('diff_malformed', 'a diff may not delete a file');
  const strip = (p: string) => (current.has(p) || !/^[ab]\//.test(p) ? p : p.slice(2));
  const path = strip(patch.newPath);
  if (patch.oldPath !== null && strip(patch.oldPath) !== path) {
    throw new SearcherError('diff_malformed', `a diff may not rename ${patch.oldPath} to ${path}`);
  }
  if (patch.oldPath !== null && !current.has(path)) {
    throw new SearcherError('diff_does_not_apply', `${path} does not exist`);
  }
  if (patch.oldPath === null && (current.get(path)?.length ?? 0) > 0) {
    throw new SearcherError('diff_does_not_apply', `${path} exists already`);
  }
  return path;
}

function descriptionLine(prose: readonly string[]): string | undefined {
  for (const line of prose) {
    const match = /^\W*description\W*:\**\s*(.+)$/i.exec(line.trim());
    if (match) return match[1]!.trim();
  }
  return prose.map((l) => l.replace(/^[#>*\-\s]+/, '').trim()).find((l) => l !== '');
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SearcherError('diff_does_not_apply', 'the file is not UTF-8 text');
  }
}

/**
 * The conversation sent to the model: a system message with the answer format, and a user
 * message with program.md, the current mutable files and the recent journal. The answer
 * format is what answer.ts reads, and nothing looser.
 */
import { journalMarkdown } from '../journal-text.ts';
import type { SearchContext } from '../searcher.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function systemPrompt(ctx: SearchContext): string {
  const { target } = ctx;
  return [
    'You are one iteration of an autonomous research loop. You cannot run code: the loop',
    'runs your change with a fixed budget, keeps it if the metric improves and reverts it',
    'otherwise. Propose exactly ONE focused change, different from every change in the journal.',
    '',
    `Only these paths may change: ${target.mutablePaths.join(', ')}.`,
    '',
    'Answer in this format and no other:',
    '1. First line: `Description: <the change, in one line>`.',
    '2. Then the change, as EITHER the complete new content of each changed file in a fenced',
    '   code block whose info string is the file path, for example ```model.py',
    '   OR a unified diff in a ```diff block with `--- a/<path>` and `+++ b/<path>` headers,',
    '   `@@` hunk headers, and context and removed lines copied exactly from the file.',
  ].join('\n');
}

export function userPrompt(ctx: SearchContext, journalLimit: number, maxFileChars: number): string {
  const parts = [
    `# Instructions (${ctx.target.program})`,
    '',
    ctx.program.trim(),
    '',
    '# Current files',
  ];
  let budget = maxFileChars;
  for (const [path, bytes] of [...ctx.files].sort(([a], [b]) => a.localeCompare(b))) {
    const text = utf8OrUndefined(bytes);
    if (text === undefined || text.length > budget) {
      parts.push(
        '',
        `${path}: not shown (${bytes.length} bytes${text === undefined ? ', binary' : ''})`,
      );
      continue;
    }
    budget -= text.length;
    const fence = fenceFor(text);
    parts.push('', `${fence}${path}`, text.replace(/\n$/, ''), fence);
  }
  parts.push('', journalMarkdown(ctx.target, ctx.journal, journalLimit).trim(), '');
  parts.push('Propose one change now, in the answer format.');
  return parts.join('\n');
}

/** Sent after an answer that could not be used, so the next one can do better. */
export function retryPrompt(why: string): string {
  return `That answer could not be used: ${why}\nAnswer again with one change, in the answer format.`;
}

/** A backtick fence longer than any backtick run that starts a line of the file. */
function fenceFor(text: string): string {
  const runs = [...text.matchAll(/^ {0,3}(`{3,})/gm)].map((m) => m[1]!.length);
  return '`'.repeat(Math.max(3, ...runs.map((n) => n + 1)));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

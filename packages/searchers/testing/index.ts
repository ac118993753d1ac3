/**
 * Test helpers for searchers, here and in the worker: the tiny-lm target as a manifest (not
 * signed: searchers never check signatures), its mutable files, and a search context.
 */
import { readFileSync } from 'node:fs';
import type { Target } from '@nightshift/protocol';
import { seededRandom } from '../src/random.ts';
import type { JournalEntry, SearchContext } from '../src/searcher.ts';

const TINY_LM = new URL('../../../targets/tiny-lm/', import.meta.url);

/** targets/tiny-lm/target.json as a Target, with `overrides` on top. */
export function tinyLmTarget(overrides: Partial<Target> = {}): Target {
  const manifest = JSON.parse(readFileSync(new URL('target.json', TINY_LM), 'utf8'));
  return {
    ...manifest,
    author: new Uint8Array(32),
    baseline: new Uint8Array(32),
    verifiers: [],
    createdAt: 0,
    signature: new Uint8Array(64),
    ...overrides,
  };
}

/** tiny-lm's mutable files (model.py) as the worker would hand them to a searcher. */
export function tinyLmFiles(): Map<string, Uint8Array> {
  return new Map([['model.py', new Uint8Array(readFileSync(new URL('model.py', TINY_LM)))]]);
}

export function tinyLmProgram(): string {
  return readFileSync(new URL('program.md', TINY_LM), 'utf8');
}

export function testContext(overrides: Partial<SearchContext> = {}): SearchContext {
  return {
    target: tinyLmTarget(),
    files: tinyLmFiles(),
    program: tinyLmProgram(),
    journal: [] as JournalEntry[],
    random: seededRandom(1),
    signal: new AbortController().signal,
    ...overrides,
  };
}

export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export {
  type ChatServer,
  type RecordedRequest,
  type ScriptedReply,
  startChatServer,
} from './chat-server.ts';

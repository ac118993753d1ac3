import { utf8 } from '../bytes.ts';
import { LIMITS } from '../limits.ts';

/**
 * Path rules (PROTOCOL.md, "Trees"): relative, `/`-separated, at most 1024 bytes of UTF-8
 * in Unicode normalization form C, no empty, `.` or `..` segment, no backslash, and nothing
 * a printable line refuses. One spelling per file, so the same files always give the same
 * tree hash, and no path escapes a workspace.
 */
export function isValidPath(path: string): boolean {
  if (path.length === 0 || utf8(path).length > LIMITS.pathBytes) return false;
  if (path.includes('\\') || !isPrintableLine(path)) return false;
  // One spelling per name: Unicode text in normalization form C only.
  if (path.normalize('NFC') !== path) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** A path pattern: a file path, or a directory prefix ending in `/`. */
export function isValidPathPattern(pattern: string): boolean {
  return isValidPath(pattern.endsWith('/') ? pattern.slice(0, -1) : pattern);
}

/**
 * A path with ASCII letters lower-cased: two paths with the same folded form would be one
 * file on a case-insensitive file system. ASCII only, so that every platform and Unicode
 * version folds the same way.
 */
export function foldCase(path: string): string {
  return path.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function matchesPattern(path: string, pattern: string): boolean {
  return pattern.endsWith('/') ? path.startsWith(pattern) : path === pattern;
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesPattern(path, p));
}

/** True when some path could match both patterns. */
export function patternsOverlap(a: string, b: string): boolean {
  return matchesPattern(a, b) || matchesPattern(b, a) || a === b;
}

/** Single-line printable text: no C0 or C1 control character, no line or paragraph separator. */
export function isPrintableLine(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text);
}

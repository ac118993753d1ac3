/**
 * A target's tunable settings as they sit in its files: one top-level `NAME = value` line per
 * setting, optionally followed by a `# comment` that survives every rewrite. Values are kept
 * as the text written in the file, so choices stay verbatim (quotes included) and a rewrite
 * changes exactly the value's characters.
 */
import type { SearchParam } from '@nightshift/protocol';
import { SearcherError } from '../errors.ts';

/** A quoted string, or anything up to a comment, without surrounding blanks. */
const VALUE = String.raw`"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'|[^#\s](?:[^#\r\n]*[^#\s])?`;

function settingLine(name: string): RegExp {
  // First match wins; names are validated by the protocol as identifiers, so no escaping.
  return new RegExp(String.raw`^(${name}[ \t]*=[ \t]*)(${VALUE})([ \t]*(?:#[^\r\n]*)?)\r?$`, 'm');
}

interface Located {
  value: string;
  /** Offset of the value's first character in the text. */
  at: number;
}

export function findSetting(text: string, name: string): Located | undefined {
  const match = settingLine(name).exec(text);
  if (!match) return undefined;
  return { value: match[2]!, at: match.index + match[1]!.length };
}

/** The text with the setting's value replaced; the rest of the line and file is untouched. */
export function replaceSetting(text: string, name: string, value: string): string {
  const found = findSetting(text, name);
  if (!found) throw new SearcherError('setting_not_found', `no "${name} = ..." line`);
  return text.slice(0, found.at) + value + text.slice(found.at + found.value.length);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function textOf(files: ReadonlyMap<string, Uint8Array>, param: SearchParam): string {
  const bytes = files.get(param.file);
  if (bytes === undefined) {
    throw new SearcherError('setting_not_found', `${param.name}: ${param.file} is not a file`);
  }
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new SearcherError('setting_not_found', `${param.name}: ${param.file} is not UTF-8`, {
      cause,
    });
  }
}

/** Every declared setting's current value, as written, by name. */
export function readSettings(
  space: readonly SearchParam[],
  files: ReadonlyMap<string, Uint8Array>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of space) {
    const found = findSetting(textOf(files, param), param.name);
    if (!found) {
      throw new SearcherError('setting_not_found', `no "${param.name} = ..." in ${param.file}`);
    }
    values[param.name] = found.value;
  }
  return values;
}

/** The files that change when the given settings are written, with their new bytes. */
export function writeSettings(
  space: readonly SearchParam[],
  files: ReadonlyMap<string, Uint8Array>,
  values: Readonly<Record<string, string>>,
): Map<string, Uint8Array> {
  const texts = new Map<string, string>();
  for (const param of space) {
    const value = values[param.name];
    if (value === undefined) continue;
    const text = texts.get(param.file) ?? textOf(files, param);
    texts.set(param.file, replaceSetting(text, param.name, value));
  }
  const changed = new Map<string, Uint8Array>();
  for (const [path, text] of texts) changed.set(path, new TextEncoder().encode(text));
  return changed;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A numeric setting's value; choices have no number. */
export function parseNumber(param: SearchParam, value: string): number {
  const ok = param.kind === 'int' ? INT.test(value) : FLOAT.test(value);
  if (!ok) {
    throw new SearcherError('setting_unparseable', `${param.name} = ${value} is not a number`);
  }
  return Number(value);
}

/**
 * A number written the way the file's language reads it back as the same kind: ints as
 * ints; floats with a few significant digits (finer steps than that are below any metric's
 * noise) and always with a `.` or exponent, so `1` is written `1.0` and stays a float.
 */
export function formatNumber(param: SearchParam, x: number, digits = 3): string {
  if (param.kind === 'int') return String(Math.round(x));
  const text = String(Number(x.toPrecision(digits)));
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

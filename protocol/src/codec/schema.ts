import { compareBytes } from '../bytes.ts';
import { ProtocolError } from '../errors.ts';
import { KIND } from '../tags.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

/**
 * A small schema language for the canonical encoding. An object is a sequence of fields,
 * each written as `varint(field number) ‖ value`, in strictly ascending field-number order;
 * optional fields are left out when absent. Values are typed by the schema (see PROTOCOL.md,
 * "Encoding"), so there is exactly one encoding of every value and decoding can reject any
 * other byte string.
 */
export type FieldType =
  | { readonly type: 'uint' }
  | { readonly type: 'f64' }
  | { readonly type: 'bool' }
  | { readonly type: 'fixed'; readonly length: number }
  | { readonly type: 'bytes'; readonly max: number }
  | { readonly type: 'string'; readonly max: number }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | {
      readonly type: 'list';
      readonly of: FieldType;
      readonly max: number;
      /** When set, items must be in strictly ascending order of this key (so no duplicates). */
      readonly sortKey?: (item: never) => Uint8Array;
    }
  | { readonly type: 'struct'; readonly fields: readonly Field[] }
  | { readonly type: 'object'; readonly codec: ObjectCodec<never> };

export interface Field {
  readonly no: number;
  readonly name: string;
  readonly type: FieldType;
  readonly optional?: boolean;
}

/** The field number of every signature; it is always last, so the signed body is a prefix. */
export const SIGNATURE_FIELD = 127;
export const SIGNATURE_LENGTH = 64;

export interface ObjectCodec<T> {
  readonly kind: number;
  readonly version: number;
  readonly name: string;
  readonly maxSize: number;
  readonly fields: readonly Field[];
  readonly signed: boolean;
  /** Never set: ties a codec to the type of the values it encodes. */
  readonly valueType?: T;
}

type Value = unknown;

/** With the `u` flag a surrogate pair is one code point, so this matches only lone halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
type Record_ = Record<string, Value>;

// ---------------------------------------------------------------- encoding

function writeValue(w: Writer, t: FieldType, v: Value, path: string): void {
  switch (t.type) {
    case 'uint':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw new TypeError(`${path}: expected a uint`);
      }
      w.varint(v);
      return;
    case 'f64':
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(`${path}: expected a finite number`);
      }
      // -0 has its own bits; the canonical form of zero is +0.
      w.f64(v === 0 ? 0 : v);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw new TypeError(`${path}: expected a boolean`);
      w.byte(v ? 1 : 0);
      return;
    case 'fixed':
      if (!(v instanceof Uint8Array) || v.length !== t.length) {
        throw new TypeError(`${path}: expected ${t.length} bytes`);
      }
      w.raw(v);
      return;
    case 'bytes':
      if (!(v instanceof Uint8Array) || v.length > t.max) {
        throw new TypeError(`${path}: expected at most ${t.max} bytes`);
      }
      w.lengthPrefixed(v);
      return;
    case 'string': {
      if (typeof v !== 'string') throw new TypeError(`${path}: expected a string`);
      // TextEncoder would write a lone surrogate as U+FFFD: another string than the one given.
      if (LONE_SURROGATE.test(v)) throw new TypeError(`${path}: not well-formed Unicode`);
      const bytes = new TextEncoder().encode(v);
      if (bytes.length > t.max) throw new TypeError(`${path}: longer than ${t.max} bytes`);
      w.lengthPrefixed(bytes);
      return;
    }
    case 'enum': {
      const index = t.values.indexOf(v as string);
      if (index < 0) throw new TypeError(`${path}: expected one of ${t.values.join(', ')}`);
      w.varint(index);
      return;
    }
    case 'list': {
      if (!Array.isArray(v) || v.length > t.max) {
        throw new TypeError(`${path}: expected a list of at most ${t.max} items`);
      }
      if (t.sortKey) assertSorted(v, t.sortKey as (item: Value) => Uint8Array, path);
      w.varint(v.length);
      for (const [i, item] of v.entries()) writeValue(w, t.of, item, `${path}[${i}]`);
      return;
    }
    case 'struct': {
      const inner = new Writer();
      writeFields(inner, t.fields, v as Record_, path);
      w.lengthPrefixed(inner.finish());
      return;
    }
    case 'object':
      w.lengthPrefixed(encodeObject(t.codec as ObjectCodec<Value>, v));
      return;
  }
}

function assertSorted(items: Value[], key: (item: Value) => Uint8Array, path: string): void {
  for (let i = 1; i < items.length; i++) {
    if (compareBytes(key(items[i - 1]), key(items[i])) >= 0) {
      throw new TypeError(`${path}: items must be sorted and distinct`);
    }
  }
}

function writeFields(w: Writer, fields: readonly Field[], v: Record_, path: string): void {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${path}: expected an object`);
  for (const f of fields) {
    const value = v[f.name];
    if (value === undefined) {
      if (f.optional) continue;
      throw new TypeError(`${path}.${f.name}: missing`);
    }
    w.varint(f.no);
    writeValue(w, f.type, value, `${path}.${f.name}`);
  }
}

/** The canonical bytes of an object; `omitSignature` gives the body that is signed. */
export function encodeObject<T>(
  codec: ObjectCodec<T>,
  value: T,
  options: { omitSignature?: boolean } = {},
): Uint8Array {
  const w = new Writer();
  w.byte(codec.kind);
  w.byte(codec.version);
  const fields = options.omitSignature
    ? codec.fields.filter((f) => f.no !== SIGNATURE_FIELD)
    : codec.fields;
  writeFields(w, fields, value as Record_, codec.name);
  // Decoding refuses anything larger, so writing it would only make bytes no peer accepts.
  if (w.offset > codec.maxSize) {
    throw new TypeError(`${codec.name}: ${w.offset} bytes, more than ${codec.maxSize}`);
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoding

function readValue(r: Reader, t: FieldType): Value {
  switch (t.type) {
    case 'uint':
      return r.varint();
    case 'f64':
      return r.f64();
    case 'bool': {
      const b = r.byte();
      if (b > 1) throw new ProtocolError('decode_bad_bool');
      return b === 1;
    }
    case 'fixed':
      return r.raw(t.length);
    case 'bytes':
      return r.raw(r.length(t.max));
    case 'string':
      return r.utf8(t.max);
    case 'enum': {
      const value = t.values[r.varint()];
      if (value === undefined) throw new ProtocolError('decode_bad_enum');
      return value;
    }
    case 'list': {
      const count = r.length(t.max);
      const items: Value[] = [];
      const key = t.sortKey as ((item: Value) => Uint8Array) | undefined;
      for (let i = 0; i < count; i++) {
        const item = readValue(r, t.of);
        if (key && i > 0 && compareBytes(key(items[i - 1]), key(item)) >= 0) {
          throw new ProtocolError('decode_unsorted');
        }
        items.push(item);
      }
      return items;
    }
    case 'struct': {
      const sub = r.sub(r.varint());
      return readFields(sub, t.fields).value;
    }
    case 'object': {
      const n = r.varint();
      const codec = t.codec as ObjectCodec<Value>;
      if (n > codec.maxSize) throw new ProtocolError('decode_too_large', codec.name);
      return decodeObject(codec, r.raw(n));
    }
  }
}

/** Reads fields to the end of `r`; returns the offset where the signature field began. */
function readFields(r: Reader, fields: readonly Field[]): { value: Record_; bodyEnd: number } {
  const value: Record_ = {};
  let bodyEnd = -1;
  let next = 0; // index into `fields` of the first field that may still appear
  let last = -1;
  while (!r.done) {
    const start = r.offset;
    const no = r.varint();
    if (no <= last) throw new ProtocolError('decode_field_order', `field ${no} after ${last}`);
    last = no;
    while (next < fields.length && fields[next]!.no < no) {
      const skipped = fields[next]!;
      if (!skipped.optional) throw new ProtocolError('decode_missing_field', skipped.name);
      next++;
    }
    const field = fields[next];
    if (!field || field.no !== no) throw new ProtocolError('decode_unknown_field', `field ${no}`);
    if (no === SIGNATURE_FIELD) bodyEnd = start;
    value[field.name] = readValue(r, field.type);
    next++;
  }
  for (; next < fields.length; next++) {
    const f = fields[next]!;
    if (!f.optional) throw new ProtocolError('decode_missing_field', f.name);
  }
  return { value, bodyEnd };
}

export interface Decoded<T> {
  value: T;
  /** For signed objects: the encoding without the signature, i.e. what was signed. */
  body: Uint8Array;
}

/** Decodes canonical bytes, or throws a ProtocolError naming what is wrong with them. */
export function decodeObjectWithBody<T>(codec: ObjectCodec<T>, bytes: Uint8Array): Decoded<T> {
  if (bytes.length > codec.maxSize) throw new ProtocolError('decode_too_large', codec.name);
  const r = new Reader(bytes);
  const kind = r.byte();
  if (kind !== codec.kind) {
    throw new ProtocolError(
      KNOWN_KINDS.has(kind) ? 'decode_wrong_kind' : 'decode_unknown_kind',
      `kind ${kind}, expected ${codec.kind} (${codec.name})`,
    );
  }
  const version = r.byte();
  if (version !== codec.version) throw new ProtocolError('decode_unknown_version', `v${version}`);
  const { value, bodyEnd } = readFields(r, codec.fields);
  const body = codec.signed ? bytes.subarray(0, bodyEnd) : bytes;
  return { value: value as T, body };
}

export function decodeObject<T>(codec: ObjectCodec<T>, bytes: Uint8Array): T {
  return decodeObjectWithBody(codec, bytes).value;
}

// Every kind byte of the protocol, whichever object modules happen to be loaded.
const KNOWN_KINDS = new Set<number>(Object.values(KIND));
const DEFINED_KINDS = new Set<number>();

/** Declares an object kind; every kind byte is defined once. */
export function defineObject<T>(spec: {
  kind: number;
  version: number;
  name: string;
  maxSize: number;
  fields: readonly Field[];
}): ObjectCodec<T> {
  if (!KNOWN_KINDS.has(spec.kind) || DEFINED_KINDS.has(spec.kind)) {
    throw new Error(`kind ${spec.kind}: not in KIND, or defined twice`);
  }
  DEFINED_KINDS.add(spec.kind);
  const numbers = spec.fields.map((f) => f.no);
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) {
    throw new Error(`${spec.name}: field numbers must ascend`);
  }
  const signed = numbers.at(-1) === SIGNATURE_FIELD;
  return { ...spec, signed };
}

/**
 * Frame length prefixes: unsigned LEB128 varints (7 bits a byte, least significant group
 * first), minimal, as everywhere in nightshift's encoding. Kept apart from protocol/'s codec
 * because a frame reader must parse a prefix out of bytes that are still arriving.
 */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a length: ${value}`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** How many bytes the varint of `value` takes. */
export function varintLength(value: number): number {
  let n = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) n += 1;
  return n;
}

export type VarintRead =
  | { kind: 'value'; value: number; bytes: number }
  | { kind: 'incomplete' }
  /** Longer than `maxBytes`, or not minimal (a final 0x00 after a continuation byte). */
  | { kind: 'invalid' };

/** Reads a varint from the start of `get(0..available)`, taking at most `maxBytes` bytes. */
export function readVarint(
  get: (index: number) => number,
  available: number,
  maxBytes: number,
): VarintRead {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (i >= available) return { kind: 'incomplete' };
    const byte = get(i);
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) return { kind: 'invalid' };
      return { kind: 'value', value, bytes: i + 1 };
    }
    scale *= 0x80;
  }
  return { kind: 'invalid' };
}

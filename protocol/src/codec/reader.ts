import { ProtocolError } from '../errors.ts';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Cursor over canonical bytes; every read rejects what a canonical writer would not produce. */
export class Reader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new ProtocolError('decode_truncated', `need ${n} bytes`);
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  peekVarint(): number {
    const saved = this.pos;
    const n = this.varint();
    this.pos = saved;
    return n;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (result > Number.MAX_SAFE_INTEGER) throw new ProtocolError('decode_int_too_large');
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new ProtocolError('decode_varint_not_minimal');
        return result;
      }
      // 2^53 - 1 fits in 8 bytes. Past that, zero continuation bytes would keep `result`
      // at 0 until `scale` overflows and 0 * Infinity makes it NaN.
      if (i === 7) throw new ProtocolError('decode_int_too_large');
      scale *= 0x80;
    }
  }

  f64(): number {
    this.need(8);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
    const x = view.getFloat64(0, false);
    if (!Number.isFinite(x)) throw new ProtocolError('decode_float_not_finite');
    if (Object.is(x, -0)) throw new ProtocolError('decode_float_negative_zero');
    this.pos += 8;
    return x;
  }

  raw(n: number): Uint8Array {
    this.need(n);
    // A copy as a plain Uint8Array, even from a Node Buffer (whose slice shares memory).
    const out = new Uint8Array(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** A varint length no larger than `max`; the caller then reads that many bytes. */
  length(max: number): number {
    const n = this.varint();
    if (n > max) throw new ProtocolError('decode_too_long', `${n} > ${max}`);
    return n;
  }

  utf8(maxBytes: number): string {
    const n = this.length(maxBytes);
    this.need(n);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return utf8Decoder.decode(view);
    } catch {
      throw new ProtocolError('decode_bad_utf8');
    }
  }

  /** A sub-reader over the next `n` bytes; this reader skips past them. */
  sub(n: number): Reader {
    this.need(n);
    const sub = new Reader(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }

  slice(start: number, end: number): Uint8Array {
    return this.bytes.subarray(start, end);
  }
}

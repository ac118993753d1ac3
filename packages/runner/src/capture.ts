/**
 * Bounded views of a phase's stdout and stderr: the phase may print gigabytes, the runner
 * keeps a tail for reports and a count for the output limit, never the whole stream.
 */
import { StringDecoder } from 'node:string_decoder';

/** Keeps the last `keepBytes` bytes of a stream and counts all of them. */
export class StreamTail {
  bytes = 0;
  private chunks: Buffer[] = [];
  private kept = 0;
  /** The last byte dropped from the front, if any was. */
  private dropped: number | undefined;

  constructor(private readonly keepBytes: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.keepBytes) {
      const chunk = this.chunks.shift()!;
      this.kept -= chunk.length;
      this.dropped = chunk[chunk.length - 1];
    }
  }

  /** The last `keepBytes` bytes as text, starting at a line where a line was cut. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    const start = Math.max(0, all.length - this.keepBytes);
    // The byte before the text, if any: the text starts a line unless it is not a line feed.
    const before = start > 0 ? all[start - 1] : this.dropped;
    const text = all.subarray(start).toString('utf8');
    if (before === undefined || before === 0x0a) return text;
    const line = text.indexOf('\n');
    return line >= 0 && line < text.length - 1 ? text.slice(line + 1) : text;
  }
}

/** Lines longer than this are matched on their first MAX_LINE_CHARS characters only. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * The last line of a stream that matches a pattern (`stdout-line` metrics, PROTOCOL.md §5.1):
 * fed chunk by chunk, so a score phase's stdout is matched without being held.
 */
export class LastLineMatch {
  /** Capture group 1 of the last matching line, if any line matched. */
  last: string | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly pattern: RegExp) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop()!.slice(0, MAX_LINE_CHARS);
    for (const line of lines) this.match(line);
  }

  end(): string | undefined {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.match(rest);
    return this.last;
  }

  private match(line: string): void {
    const found = this.pattern.exec(line.slice(0, MAX_LINE_CHARS).replace(/\r$/, ''));
    if (found && found[1] !== undefined) this.last = found[1];
  }
}

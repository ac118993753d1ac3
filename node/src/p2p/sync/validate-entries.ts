/**
 * Validating a run of encoded entries, each against the one before it (the first against
 * `parent`): protocol's validateEntry, signatures included. Shared by the validation worker
 * and the in-thread fallback, so both give the same verdicts.
 */
import {
  decodeEntry,
  decodeSigned,
  type LogEntry,
  TARGET,
  validateEntry,
} from '@nightshift/protocol';

export interface ValidationRequest {
  /** The target's canonical bytes. */
  target: Uint8Array;
  /** The parent of the first entry, encoded; absent when the first is a genesis. */
  parent?: Uint8Array;
  /** Canonical entry bytes, each the child of the one before. */
  entries: Uint8Array[];
  now: number;
}

export interface ValidationResult {
  /** How many entries, from the first, are valid. */
  valid: number;
  /** Why the next one is not, when one is not. */
  error?: { code: string; action: 'reject' | 'ignore'; message: string };
}

export async function validateEncoded(request: ValidationRequest): Promise<ValidationResult> {
  const target = decodeSigned(TARGET, request.target).value;
  let parent: LogEntry | undefined = request.parent && decodeEntry(request.parent);
  for (const [i, bytes] of request.entries.entries()) {
    const entry = decodeEntry(bytes);
    const error = await validateEntry(entry, { target, parent, now: request.now });
    if (error) {
      return {
        valid: i,
        error: { code: error.code, action: error.action, message: error.message },
      };
    }
    parent = entry;
  }
  return { valid: request.entries.length };
}

/**
 * Errors of the gossip layer itself, beside protocol/'s: rules about topics rather than
 * objects. Same shape as ProtocolError (a stable code and an action), so verdict.ts maps both
 * the same way; callers branch on `code`, never on the message.
 */
import type { ErrorAction } from '@nightshift/protocol';

export const GOSSIP_ERROR_CODES = {
  /** The object names another target than the topic it came on. */
  topic_mismatch: 'reject',
  /** The gossip component is stopping or stopped; the message is dropped unjudged. */
  not_running: 'ignore',
} as const satisfies Record<string, ErrorAction>;

export type GossipErrorCode = keyof typeof GOSSIP_ERROR_CODES;

export class GossipError extends Error {
  static override readonly name = 'GossipError';
  override readonly name = GossipError.name;
  readonly action: ErrorAction;

  constructor(
    readonly code: GossipErrorCode,
    detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.action = GOSSIP_ERROR_CODES[code];
  }
}

export function isGossipError(err: unknown): err is GossipError {
  return err instanceof Error && err.name === GossipError.name && 'code' in err;
}

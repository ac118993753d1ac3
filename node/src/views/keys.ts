// How a key is shown: people read a libp2p peer id (PROTOCOL.md §4), scripts want the raw key.
import { hashHex, peerIdOf } from '@nightshift/protocol';

export interface KeyView {
  /** The raw 32-byte public key as 64 hex digits. */
  key: string;
  /** The key's libp2p peer id (12D3KooW…), the form people see. */
  peerId: string;
}

export function keyView(raw: Uint8Array): KeyView {
  const key = hashHex(raw);
  let peerId: string;
  try {
    peerId = peerIdOf(raw);
  } catch {
    // Only a key that fails the key check has no peer id; valid objects never hold one.
    peerId = key;
  }
  return { key, peerId };
}

/** A peer id short enough for a table: its last 8 characters, which differ between keys. */
export function shortPeerId(peerId: string): string {
  return peerId.length > 10 ? `…${peerId.slice(-8)}` : peerId;
}

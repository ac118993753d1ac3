/** Targets: signed manifests by target id, in their canonical encoding. */
import {
  type Direction,
  decodeSigned,
  encodeSigned,
  type Hash,
  hashHex,
  TARGET,
  type Target,
} from '@nightshift/protocol';
import type { Database, Sublevel } from './database.ts';

export class TargetRepository {
  private readonly targets: Sublevel;
  /** Metric directions by target id: fork choice asks for one on every entry added. */
  private readonly directions = new Map<string, Direction>();

  constructor(database: Database) {
    this.targets = database.sub.target;
  }

  /** Stores a target; returns its id. Storing it again changes nothing. */
  put(target: Target): Promise<Hash> {
    return this.putBytes(encodeSigned(TARGET, target));
  }

  /** Stores canonical target bytes (refused with a ProtocolError unless they decode). */
  async putBytes(bytes: Uint8Array): Promise<Hash> {
    const { id } = decodeSigned(TARGET, bytes);
    await this.targets.put(id, bytes);
    return id;
  }

  async get(id: Hash): Promise<Target | undefined> {
    const bytes = await this.targets.get(id);
    return bytes && decodeSigned(TARGET, bytes).value;
  }

  getBytes(id: Hash): Promise<Uint8Array | undefined> {
    return this.targets.get(id);
  }

  has(id: Hash): Promise<boolean> {
    return this.targets.has(id);
  }

  /** Every stored target id, in byte order. */
  async *ids(): AsyncIterable<Hash> {
    for await (const key of this.targets.keys()) yield key;
  }

  /** The target's metric direction, or undefined when the target is not stored. */
  async direction(id: Hash): Promise<Direction | undefined> {
    const key = hashHex(id);
    let direction = this.directions.get(key);
    if (direction === undefined) {
      direction = (await this.get(id))?.metric.direction;
      if (direction !== undefined) this.directions.set(key, direction);
    }
    return direction;
  }
}

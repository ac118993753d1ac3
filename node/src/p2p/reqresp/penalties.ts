/**
 * Misbehaving peers: every provable fault adds penalty points, which decay with time; a peer
 * at the threshold is banned for a while (its streams are refused and it is disconnected by
 * whoever holds the host). How many points each fault costs is decided in one place, by the
 * callers' `PENALTY` tables.
 */
export interface PenaltyOptions {
  /** Points at which a peer is banned. */
  threshold: number;
  /** How long a ban lasts. */
  banMs: number;
  /** Points forgiven per minute of good behaviour. */
  decayPerMinute?: number;
}

/** Records kept before those of peers with a clean slate are dropped. */
const MAX_PEERS = 10_000;

interface Record_ {
  points: number;
  updatedAt: number;
  bannedUntil: number;
}

export class PeerPenalties {
  private readonly peers = new Map<string, Record_>();

  constructor(
    private readonly options: PenaltyOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds `points` to the peer; returns true when this makes it banned. */
  penalize(peer: string, points: number): boolean {
    if (points <= 0) return false;
    const record = this.current(peer);
    record.points += points;
    if (record.points < this.options.threshold || record.bannedUntil > this.now()) return false;
    record.bannedUntil = this.now() + this.options.banMs;
    record.points = 0;
    return true;
  }

  isBanned(peer: string): boolean {
    const record = this.peers.get(peer);
    return record !== undefined && record.bannedUntil > this.now();
  }

  /** The peer's points now (after decay). */
  points(peer: string): number {
    return this.peers.has(peer) ? this.current(peer).points : 0;
  }

  private current(peer: string): Record_ {
    const now = this.now();
    let record = this.peers.get(peer);
    if (!record) {
      if (this.peers.size >= MAX_PEERS) this.forgetClean(now);
      record = { points: 0, updatedAt: now, bannedUntil: 0 };
      this.peers.set(peer, record);
    }
    const decay = ((now - record.updatedAt) / 60_000) * (this.options.decayPerMinute ?? 10);
    record.points = Math.max(0, record.points - decay);
    record.updatedAt = now;
    return record;
  }

  private forgetClean(now: number): void {
    const decay = (this.options.decayPerMinute ?? 10) / 60_000;
    for (const [peer, record] of this.peers) {
      const points = record.points - (now - record.updatedAt) * decay;
      if (points <= 0 && record.bannedUntil <= now) this.peers.delete(peer);
    }
  }
}

/**
 * In-memory counters of gossip verdicts: how many messages each topic kind accepted, ignored
 * and rejected, and how often each error code came up. Enough for tests and `status`; a
 * Prometheus registry can read the same numbers later.
 */
import type { TopicKind } from './topics.ts';

export type VerdictName = 'accept' | 'ignore' | 'reject';

export interface GossipMetricsSnapshot {
  /** Messages by verdict. */
  verdicts: Record<VerdictName, number>;
  /** Messages by code: `accept` for accepted ones, else the error code. */
  codes: Record<string, number>;
  /** Messages by topic kind, then code. */
  byTopic: Partial<Record<TopicKind, Record<string, number>>>;
}

export class GossipMetrics {
  private readonly verdicts: Record<VerdictName, number> = { accept: 0, ignore: 0, reject: 0 };
  private readonly codes = new Map<string, number>();
  private readonly byTopic = new Map<TopicKind, Map<string, number>>();

  count(verdict: VerdictName, code: string, topic?: TopicKind): void {
    this.verdicts[verdict] += 1;
    increment(this.codes, code);
    if (topic) {
      const codes = this.byTopic.get(topic) ?? new Map<string, number>();
      this.byTopic.set(topic, codes);
      increment(codes, code);
    }
  }

  /** How many messages came out with this code (or `accept`). */
  get(code: string): number {
    return this.codes.get(code) ?? 0;
  }

  snapshot(): GossipMetricsSnapshot {
    const byTopic: GossipMetricsSnapshot['byTopic'] = {};
    for (const [topic, codes] of this.byTopic) byTopic[topic] = Object.fromEntries(codes);
    return { verdicts: { ...this.verdicts }, codes: Object.fromEntries(this.codes), byTopic };
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

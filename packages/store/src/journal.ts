/**
 * The worker's journal: every experiment this node ran on a target, in order (issue 5: "journal
 * every experiment ... to the store"), so a restarted worker resumes from it.
 */
import type { Hash } from '@nightshift/protocol';
import type { Database, Sublevel } from './database.ts';
import { journalKey, prefixRange } from './keys.ts';
import { decodeRecord, encodeRecord, type JournalRecord } from './records.ts';

export class JournalRepository {
  private readonly records: Sublevel;

  constructor(database: Database) {
    this.records = database.sub.journal;
  }

  async append(target: Hash, record: JournalRecord): Promise<void> {
    await this.records.put(journalKey(target, record.n), encodeRecord('journal', record));
  }

  /** Every record of the target, oldest first. */
  async list(target: Hash): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for await (const value of this.records.values(prefixRange(target))) {
      out.push(decodeRecord('journal', value));
    }
    return out;
  }
}

/**
 * The node's store: one LevelDB at `<dataDir>/store` and the blob files at `<dataDir>/blobs`,
 * reached through small repositories.
 * Every change that touches several keys is one atomic batch, and read-modify-write changes
 * go through one mutex, so a node killed at any moment reopens with a consistent store.
 */
import { join } from 'node:path';
import { AttestationRepository } from './attestations.ts';
import { BlobRepository } from './blobs.ts';
import { CandidateRepository } from './candidates.ts';
import { CommitmentRepository } from './commitments.ts';
import { type Database, openDatabase } from './database.ts';
import { EntryRepository } from './entries.ts';
import { StoreError } from './errors.ts';
import { JournalRepository } from './journal.ts';
import { LAYOUT_VERSION, metaKey } from './keys.ts';
import { Mutex } from './mutex.ts';
import { decodeRecord, encodeRecord } from './records.ts';
import { ReputationRepository } from './reputation.ts';
import { TargetRepository } from './targets.ts';
import { TreeRepository } from './trees.ts';

/** The store's directory inside a node's data directory. */
export const STORE_DIR = 'store';

export class Store {
  readonly blobs: BlobRepository;
  readonly trees: TreeRepository;
  readonly targets: TargetRepository;
  readonly entries: EntryRepository;
  readonly commitments: CommitmentRepository;
  readonly candidates: CandidateRepository;
  readonly attestations: AttestationRepository;
  readonly reputation: ReputationRepository;
  readonly journal: JournalRepository;

  /** Serializes read-modify-write changes; `close` takes it last, after them all. */
  private readonly lock = new Mutex();

  private constructor(
    private readonly database: Database,
    /** The LevelDB directory, `<dataDir>/store`. */
    readonly path: string,
    blobs: BlobRepository,
  ) {
    this.blobs = blobs;
    this.trees = new TreeRepository(database);
    this.targets = new TargetRepository(database);
    this.entries = new EntryRepository(database, this.targets, this.lock);
    this.commitments = new CommitmentRepository(database, this.lock);
    this.candidates = new CandidateRepository(database, this.lock);
    this.attestations = new AttestationRepository(database);
    this.reputation = new ReputationRepository(database, this.lock);
    this.journal = new JournalRepository(database);
  }

  /**
   * Opens the store of the node whose data directory is `dataDir`, creating both when
   * missing. Fails with `store_locked` while another process has it open, and with
   * `unsupported_layout` for a store written by another layout version.
   */
  static async open(dataDir: string): Promise<Store> {
    const path = join(dataDir, STORE_DIR);
    const database = await openDatabase(path);
    try {
      await checkLayout(database);
      // Opened after the lock is ours: it clears half-written blobs no one else is writing.
      return new Store(database, path, await BlobRepository.open(dataDir));
    } catch (err) {
      await database.db.close();
      throw err;
    }
  }

  /** Closes the store once the changes already in progress have been written. */
  close(): Promise<void> {
    return this.lock.run(() => this.database.db.close());
  }
}

async function checkLayout({ sub }: Database): Promise<void> {
  const key = metaKey('layout');
  const bytes = await sub.meta.get(key);
  if (bytes === undefined) {
    await sub.meta.put(key, encodeRecord('layout', { layout: LAYOUT_VERSION }));
    return;
  }
  const { layout } = decodeRecord('layout', bytes);
  if (layout !== LAYOUT_VERSION) {
    throw new StoreError(
      'unsupported_layout',
      `layout ${layout}, this code reads ${LAYOUT_VERSION}`,
    );
  }
}

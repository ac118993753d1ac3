/**
 * A promise-chain mutex. Writers that read, decide and then write (the head update, status
 * transitions, first-receipt times, reputation) run one at a time through it, so two
 * concurrent calls can never both act on the same stale read.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(critical: () => Promise<T>): Promise<T> {
    const result = this.tail.then(critical);
    // The next caller waits for this one whether it succeeded or failed.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One mutex per key (e.g. per blob hash), dropped when no caller holds or awaits it. */
export class KeyedMutex {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, critical: () => Promise<T>): Promise<T> {
    let lock = this.locks.get(key);
    if (!lock) {
      lock = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, lock);
    }
    lock.users += 1;
    try {
      return await lock.mutex.run(critical);
    } finally {
      lock.users -= 1;
      if (lock.users === 0) this.locks.delete(key);
    }
  }
}

/**
 * At most `limit` tasks at once, the rest waiting in order of arrival. Prechecks are cheap
 * one by one, but under a flood hundreds started together share the store's threads, and
 * each then takes as long as all of them: in line, a candidate waits only for those that
 * came before it.
 */
export class Concurrency {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

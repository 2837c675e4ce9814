import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Work for one key runs at most `concurrency` at a time, in arrival order: what the earlier work
 * decided (a lock) holds for the later. One p-limit per key while anyone uses it (keys come
 * from requests: none may stay behind).
 */
export class KeyedLimit {
  private readonly byKey = new Map<string, { limit: LimitFunction; users: number }>();
  constructor(private readonly concurrency: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const entry = this.byKey.get(key) ?? { limit: pLimit(this.concurrency), users: 0 };
    this.byKey.set(key, entry);
    entry.users += 1;
    try {
      return await entry.limit(work);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.byKey.delete(key);
    }
  }
}

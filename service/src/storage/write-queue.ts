import type { Logger } from '../log';
import { isDatabaseUnavailable } from './database-availability';
import { asOigError } from '../errors';

/** One write the queue carries to the database. */
export interface QueuedWrite {
  /** For logs: what is written (never values). */
  readonly what: string;
  run(): Promise<void>;
  /**
   * Takes a later write into this one, if it can (both not yet started, this one last in the
   * queue): a minute's keep-alive batches during an outage become one statement.
   */
  absorb?(later: QueuedWrite): boolean;
}

interface Entry {
  readonly write: QueuedWrite;
  readonly done: Array<() => void>;
  /** Its statement is on its way: too late to take more in. */
  inFlight: boolean;
}

export interface WriteQueueOptions {
  readonly log: Logger;
  /** Waits between attempts while the database is unavailable: from min, doubling to max. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Writes that must reach the database in the order they were made, whether it is up or not
 * (session records: opened, Advanced, HA URI, keep-alives, ended). A write that fails because
 * the database is unavailable stays at the head and is tried again with backoff, so nothing
 * is lost and nothing overtakes it; a write the database refuses for another reason is a bug,
 * logged and dropped so it cannot block the rest for ever. Callers do not wait for the
 * database: each write's promise settles once it is written (or dropped).
 */
export class WriteQueue {
  private readonly entries: Entry[] = [];
  private running = false;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: WriteQueueOptions) {}

  /** Writes not yet in the database. */
  get pending(): number {
    return this.entries.length;
  }

  enqueue(write: QueuedWrite): Promise<void> {
    if (this.closed) {
      this.options.log.error({ what: write.what }, 'a record was made after the write queue closed; it is not written');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const tail = this.entries[this.entries.length - 1];
      if (tail && !tail.inFlight && tail.write.absorb?.(write)) {
        tail.done.push(resolve);
        return;
      }
      this.entries.push({ write, done: [resolve], inFlight: false });
      void this.drain();
    });
  }

  /** Cuts a backoff wait short (the database is back). */
  retryNow(): void {
    this.wake?.();
  }

  /**
   * Stops taking writes and waits up to `timeoutMs` for those queued; returns how many could not
   * be written (the database stayed away), which the caller reports.
   */
  async close(timeoutMs: number): Promise<number> {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    while (this.entries.length > 0 && Date.now() < deadline) {
      this.retryNow();
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    const lost = this.entries.length;
    if (lost > 0) {
      this.options.log.error({ writes: lost, what: [...new Set(this.entries.map((e) => e.write.what))] }, 'stopping with records the database could not take');
      for (const entry of this.entries.splice(0)) for (const done of entry.done) done();
    }
    this.wake?.();
    return lost;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let delay = this.options.retryMinMs ?? 200;
    try {
      for (;;) {
        const entry = this.entries[0];
        if (!entry) return;
        entry.inFlight = true;
        try {
          await entry.write.run();
        } catch (err) {
          entry.inFlight = false;
          if (isDatabaseUnavailable(err) || asOigError(err).code === 'OIG_STORAGE_UNAVAILABLE') {
            if (this.entries[0] !== entry) continue; // given up by close()
            await this.pause(delay);
            delay = Math.min(delay * 2, this.options.retryMaxMs ?? 5_000);
            continue;
          }
          this.options.log.error({ err, what: entry.write.what }, 'the database refused a record; it is dropped');
        }
        delay = this.options.retryMinMs ?? 200;
        if (this.entries[0] === entry) this.entries.shift();
        for (const done of entry.done) done();
      }
    } finally {
      this.running = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = finish;
    }).finally(() => {
      this.wake = undefined;
    });
  }
}

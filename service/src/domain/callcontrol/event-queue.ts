import { oigError } from '../../errors';
import type { StandardEvent } from './events';

/** An event with its per-session number (xs:int: 1 … 2^31−1, then 1 again). */
export interface NumberedEvent {
  readonly number: number;
  readonly event: StandardEvent;
}

export interface EventQueueStats {
  readonly queued: number;
  readonly delivered: number;
  /** Events discarded because the queue was full (each one reported through an overflow notice). */
  readonly lost: number;
}

const MAX_EVENT_NUMBER = 2 ** 31 - 1;
export const EVENT_TIMEOUT_TEXT = 'Timeout no event message available.';

interface Waiter {
  readonly resolve: (event: NumberedEvent) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
  /** getNumberedEvent's acknowledgement: only events numbered after it satisfy the waiter. */
  readonly after: number | undefined;
}

/** An overflow notice at the tail, growing while events keep being discarded. */
interface Overflow {
  first: number;
  last: number;
  count: number;
}

type Entry = { kind: 'event'; numbered: NumberedEvent } | { kind: 'overflow'; number: number; overflow: Overflow };

/**
 * One session's events, in order, bounded. A full queue discards new events but never
 * silently: the discarded numbers are skipped (so getNumberedEvent shows the gap) and one
 * notice event at the tail says how many were lost. Memory stays at `limit` events + 1.
 *
 * Two ways to read: `take` (getEvent) removes what it returns; `takeAfter(n)`
 * (getNumberedEvent) first drops everything numbered up to n — the client's acknowledgement —
 * and returns the next one without removing it, so a lost response can be asked for again.
 * One reader waits at a time; a newer request supersedes the older one.
 */
export class EventQueue {
  private readonly entries: Entry[] = [];
  private head = 0;
  private nextNumber = 1;
  private waiter: Waiter | undefined;
  /** Real events (not overflow notices) between head and the end. */
  private count = 0;
  private delivered = 0;
  private lost = 0;
  private closed = false;

  constructor(private readonly limit: number) {}

  get stats(): EventQueueStats {
    return { queued: this.count, delivered: this.delivered, lost: this.lost };
  }

  push(event: StandardEvent): void {
    if (this.closed) return;
    const number = this.allocateNumber();
    if (this.count >= this.limit) {
      this.lost += 1;
      const tail = this.entries[this.entries.length - 1];
      if (tail && tail.kind === 'overflow') {
        tail.overflow.last = number;
        tail.overflow.count += 1;
      } else {
        this.entries.push({ kind: 'overflow', number, overflow: { first: number, last: number, count: 1 } });
      }
      return;
    }
    this.entries.push({ kind: 'event', numbered: { number, event } });
    this.count += 1;
    this.wake();
  }

  /** getEvent: the oldest event, removed; waits up to `timeoutMs`. */
  take(timeoutMs: number): Promise<NumberedEvent> {
    return this.read(undefined, timeoutMs);
  }

  /** The oldest event, removed, if there is one now (REST event access does not wait). */
  takeNow(): NumberedEvent | undefined {
    const ready = this.closed ? undefined : this.peek(undefined);
    return ready ? this.deliver(ready, undefined) : undefined;
  }

  /** getNumberedEvent: drops events numbered ≤ `acknowledged`, then the next one (kept). */
  takeAfter(acknowledged: number, timeoutMs: number): Promise<NumberedEvent> {
    this.acknowledge(acknowledged);
    return this.read(acknowledged, timeoutMs);
  }

  /** cancelGetEvent: ends a waiting read; false when nobody was waiting. */
  cancel(): boolean {
    const waiter = this.waiter;
    if (!waiter) return false;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(oigError('OIG_CC_EVENT_CANCELLED', 'The event request was cancelled by cancelGetEvent'));
    return true;
  }

  /** The session ended: a waiting reader is answered, later pushes are ignored. */
  close(reason: string): void {
    this.closed = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.reject(oigError('OIG_SESSION_NOT_FOUND', reason));
    }
    this.entries.length = 0;
    this.head = 0;
    this.count = 0;
  }

  private allocateNumber(): number {
    const number = this.nextNumber;
    this.nextNumber = number >= MAX_EVENT_NUMBER ? 1 : number + 1;
    return number;
  }

  private read(after: number | undefined, timeoutMs: number): Promise<NumberedEvent> {
    if (this.closed) return Promise.reject(oigError('OIG_SESSION_NOT_FOUND', 'The session has ended'));
    const ready = this.peek(after);
    if (ready) return Promise.resolve(this.deliver(ready, after));
    // A newer request replaces the waiting one, which answers as cancelled.
    this.cancel();
    if (timeoutMs <= 0) return Promise.reject(oigError('OIG_CC_EVENT_TIMEOUT', EVENT_TIMEOUT_TEXT));
    return new Promise<NumberedEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.waiter?.timer === timer) this.waiter = undefined;
        reject(oigError('OIG_CC_EVENT_TIMEOUT', EVENT_TIMEOUT_TEXT));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer, after };
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const ready = this.peek(waiter.after);
    if (!ready) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(this.deliver(ready, waiter.after));
  }

  private peek(after: number | undefined): { index: number; numbered: NumberedEvent } | undefined {
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i] as Entry;
      const numbered = entry.kind === 'event' ? entry.numbered : overflowNotice(entry);
      if (after === undefined || isAfter(numbered.number, after)) return { index: i, numbered };
    }
    return undefined;
  }

  private deliver(ready: { index: number; numbered: NumberedEvent }, after: number | undefined): NumberedEvent {
    this.delivered += 1;
    // getEvent consumes (always the head); getNumberedEvent keeps the event until acknowledged.
    if (after === undefined) this.drop(ready.index);
    return ready.numbered;
  }

  private acknowledge(upTo: number): void {
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      const number = entry.kind === 'event' ? entry.numbered.number : entry.overflow.last;
      if (isAfter(number, upTo)) break;
      this.drop(this.head);
    }
  }

  private drop(index: number): void {
    const entry = this.entries[index] as Entry;
    if (entry.kind === 'event') this.count -= 1;
    if (index === this.head) this.head += 1;
    else this.entries.splice(index, 1);
    this.compact();
  }

  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Event numbers wrap, so "after" is judged over half the number space. */
function isAfter(number: number, reference: number): boolean {
  const distance = (number - reference + MAX_EVENT_NUMBER) % MAX_EVENT_NUMBER;
  return distance > 0 && distance < MAX_EVENT_NUMBER / 2;
}

function overflowNotice(entry: { number: number; overflow: Overflow }): NumberedEvent {
  const { first, last, count } = entry.overflow;
  const range = first === last ? `number ${first}` : `numbers ${first} to ${last}`;
  return {
    number: entry.number,
    event: {
      eventType: 'UNKNOWN',
      errorDescription: `Event queue overflow: ${count} event(s) (${range}) were discarded because the session's event queue was full; fetch events faster or monitor fewer devices`,
    },
  };
}

import { describe, expect, it } from 'vitest';
import { oigError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { WriteQueue, type QueuedWrite } from '../../../src/storage/write-queue';

/** Issue #11: session records wait in order while the database is away, and none is lost. */
const log = createLogger('silent');
const unavailable = () => oigError('OIG_STORAGE_UNAVAILABLE', 'database away');

function fakeDatabase() {
  const written: string[] = [];
  let up = true;
  const write = (what: string): QueuedWrite => ({
    what,
    run: async () => {
      if (!up) throw unavailable();
      written.push(what);
    },
  });
  return { written, write, setUp: (value: boolean) => (up = value) };
}

class Batch implements QueuedWrite {
  readonly what = 'batch';
  constructor(
    readonly items: string[],
    private readonly sink: string[][],
    private readonly isUp: () => boolean,
  ) {}
  absorb(later: QueuedWrite): boolean {
    if (!(later instanceof Batch)) return false;
    this.items.push(...later.items);
    return true;
  }
  async run(): Promise<void> {
    if (!this.isUp()) throw unavailable();
    this.sink.push([...this.items]);
  }
}

describe('WriteQueue', () => {
  it('keeps writes in order across an outage and writes them all once the database is back', async () => {
    const db = fakeDatabase();
    const queue = new WriteQueue({ log, retryMinMs: 5, retryMaxMs: 20 });
    await queue.enqueue(db.write('a'));
    db.setUp(false);
    const pending = ['b', 'c', 'd'].map((w) => queue.enqueue(db.write(w)));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(db.written).toEqual(['a']);
    expect(queue.pending).toBe(3);
    db.setUp(true);
    queue.retryNow();
    await Promise.all(pending);
    expect(db.written).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.pending).toBe(0);
  });

  it('merges writes that can be merged while they wait, but never into one already sent', async () => {
    const sink: string[][] = [];
    let up = false;
    const queue = new WriteQueue({ log, retryMinMs: 5, retryMaxMs: 10 });
    const first = queue.enqueue(new Batch(['1'], sink, () => up));
    const second = queue.enqueue(new Batch(['2'], sink, () => up));
    const third = queue.enqueue(new Batch(['3'], sink, () => up));
    // The first was sent at once (and failed); the later two wait as one.
    expect(queue.pending).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fourth = queue.enqueue(new Batch(['4'], sink, () => up));
    expect(queue.pending).toBe(2);
    up = true;
    queue.retryNow();
    await Promise.all([first, second, third, fourth]);
    expect(sink).toEqual([['1'], ['2', '3', '4']]);
  });

  it('drops a write the database refuses for another reason, so it cannot block the rest', async () => {
    const db = fakeDatabase();
    const queue = new WriteQueue({ log, retryMinMs: 5 });
    const bad: QueuedWrite = {
      what: 'bad',
      run: async () => {
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
    };
    await Promise.all([queue.enqueue(bad), queue.enqueue(db.write('after'))]);
    expect(db.written).toEqual(['after']);
  });

  it('gives up on close after its wait and says how many records the database did not take', async () => {
    const db = fakeDatabase();
    db.setUp(false);
    const queue = new WriteQueue({ log, retryMinMs: 5, retryMaxMs: 10 });
    const writes = [queue.enqueue(db.write('x')), queue.enqueue(db.write('y'))];
    expect(await queue.close(50)).toBe(2);
    await Promise.all(writes);
    expect(db.written).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { OigError } from '../../../src/errors';
import { EventQueue, EVENT_TIMEOUT_TEXT } from '../../../src/domain/callcontrol/event-queue';
import { systemEvent, type StandardEvent } from '../../../src/domain/callcontrol/events';
import { rejection } from '../../support/rejection';

/** Developer guide: getEvent / getNumberedEvent / cancelGetEvent; issue #4: bounded queues, overflow reported. */
const ev = (n: number): StandardEvent => systemEvent(String(n), 'CONNECTED', n);
const icpOf = (e: StandardEvent): string => (e.eventType === 'SYSTEM_EVENT' ? e.systemEvent.icpId : `?${e.eventType}`);


describe('session event queue', () => {
  it('getEvent returns events in order, numbered from 1, and removes them', async () => {
    const q = new EventQueue(10);
    q.push(ev(1));
    q.push(ev(2));
    const a = await q.take(0);
    const b = await q.take(0);
    expect([a.number, b.number]).toEqual([1, 2]);
    expect([icpOf(a.event), icpOf(b.event)]).toEqual(['1', '2']);
    expect(q.stats).toEqual({ queued: 0, delivered: 2, lost: 0 });
  });

  it('an empty queue answers the contract timeout text after the wait', async () => {
    const q = new EventQueue(10);
    const err = await rejection(q.take(20), OigError);
    expect(err.code).toBe('OIG_CC_EVENT_TIMEOUT');
    expect(err.message).toBe(EVENT_TIMEOUT_TEXT);
    expect(EVENT_TIMEOUT_TEXT).toBe('Timeout no event message available.');
  });

  it('a waiting getEvent is answered as soon as an event arrives', async () => {
    const q = new EventQueue(10);
    const waiting = q.take(5_000);
    q.push(ev(7));
    expect(icpOf((await waiting).event)).toBe('7');
  });

  it('cancelGetEvent ends the waiting request; a newer request supersedes an older one', async () => {
    const q = new EventQueue(10);
    const first = q.take(5_000);
    const second = q.take(5_000);
    expect((await rejection(first, OigError)).code).toBe('OIG_CC_EVENT_CANCELLED');
    expect(q.cancel()).toBe(true);
    expect((await rejection(second, OigError)).code).toBe('OIG_CC_EVENT_CANCELLED');
    expect(q.cancel()).toBe(false);
  });

  it('getNumberedEvent keeps an event until it is acknowledged, so a lost answer can be asked again', async () => {
    const q = new EventQueue(10);
    q.push(ev(1));
    q.push(ev(2));
    expect((await q.takeAfter(0, 0)).number).toBe(1);
    expect((await q.takeAfter(0, 0)).number).toBe(1); // the answer got lost: same event again
    expect((await q.takeAfter(1, 0)).number).toBe(2);
    expect(q.stats.queued).toBe(1);
    expect((await rejection(q.takeAfter(2, 0), OigError)).code).toBe('OIG_CC_EVENT_TIMEOUT');
    expect(q.stats.queued).toBe(0);
  });

  it('a full queue discards new events, counts them and says so in one notice, with a gap in the numbers', async () => {
    const q = new EventQueue(3);
    for (let i = 1; i <= 8; i++) q.push(ev(i));
    expect(q.stats).toMatchObject({ queued: 3, lost: 5 });
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await q.take(0));
    expect(got.map((g) => g.number)).toEqual([1, 2, 3, 4]);
    const notice = got[3]?.event;
    expect(notice?.eventType).toBe('UNKNOWN');
    expect(notice && 'errorDescription' in notice ? notice.errorDescription : '').toMatch(/5 event\(s\) \(numbers 4 to 8\) were discarded/);
    q.push(ev(9));
    expect((await q.take(0)).number).toBe(9);
  });

  it('memory stays bounded however many events overflow', () => {
    const q = new EventQueue(100);
    for (let i = 0; i < 100_000; i++) q.push(ev(i));
    expect(q.stats).toEqual({ queued: 100, delivered: 0, lost: 99_900 });
  });

  it('closing answers the waiting reader and ignores later events', async () => {
    const q = new EventQueue(10);
    const waiting = q.take(5_000);
    q.close('Session 1 has ended');
    expect((await rejection(waiting, OigError)).code).toBe('OIG_SESSION_NOT_FOUND');
    q.push(ev(1));
    expect(q.stats.queued).toBe(0);
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EventChannels } from '../../../src/domain/callcontrol/event-channels';
import { systemEvent, type StandardEvent } from '../../../src/domain/callcontrol/events';
import type { EventPusher } from '../../../src/domain/callcontrol/ports';
import { OigError } from '../../../src/errors';

/** Issue #4: registerEventHandler pushes with retries and a bounded queue; REST event access. */
const log = pino({ level: 'silent' });
const ev = (n: number): StandardEvent => systemEvent(String(n), 'CONNECTED', n);

class RecordingPusher implements EventPusher {
  readonly delivered: StandardEvent[] = [];
  failuresLeft = 0;
  attempts = 0;

  async push(_url: string, event: StandardEvent): Promise<void> {
    this.attempts += 1;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('connection refused');
    }
    this.delivered.push(event);
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('event channels', () => {
  it('pushes every event to the registered handler, retrying a failed push', async () => {
    const pusher = new RecordingPusher();
    const channels = new EventChannels({ queueLimit: 10, pusher, pushAttempts: 3, pushRetryMs: 1, log });
    channels.registerEventHandler('1', 'http://127.0.0.1:9/handler');
    pusher.failuresLeft = 2;
    channels.publish('1', ev(1));
    channels.publish('1', ev(2));
    await until(() => pusher.delivered.length === 2);
    expect(pusher.attempts).toBe(4);
    expect(channels.stats('1')).toMatchObject({ pushFailed: 0, eventHandlerUrl: 'http://127.0.0.1:9/handler' });
    channels.end('1');
  });

  it('an event refused on every attempt is counted and announced before the next one', async () => {
    const pusher = new RecordingPusher();
    const channels = new EventChannels({ queueLimit: 10, pusher, pushAttempts: 2, pushRetryMs: 1, log });
    channels.registerEventHandler('1', 'http://127.0.0.1:9/handler');
    pusher.failuresLeft = 2;
    channels.publish('1', ev(1));
    await until(() => channels.stats('1')?.pushFailed === 1);
    channels.publish('1', ev(2));
    await until(() => pusher.delivered.length === 2);
    const [notice, second] = pusher.delivered;
    expect(notice && notice.eventType === 'UNKNOWN' ? notice.errorDescription : '').toMatch(/1 event\(s\) could not be delivered .* after 2 attempt/);
    expect(second).toEqual(ev(2));
    channels.end('1');
  });

  it('polling is refused while a handler is registered, and allowed again after an empty URL', async () => {
    const channels = new EventChannels({ queueLimit: 10, pusher: new RecordingPusher(), pushAttempts: 1, log });
    channels.registerEventHandler('1', 'https://example.invalid/events');
    expect(() => channels.getEvent('1', 0)).toThrow(/pushed to its event handler/);
    channels.registerEventHandler('1', '');
    channels.publish('1', ev(5));
    expect((await channels.getEvent('1', 0)).event).toEqual(ev(5));
  });

  it('refuses an event handler URL that is not http(s)', () => {
    const channels = new EventChannels({ queueLimit: 10, pusher: new RecordingPusher(), pushAttempts: 1, log });
    for (const url of ['file:///etc/passwd', 'not a url', `http://x/${'a'.repeat(3000)}`]) {
      expect(() => channels.registerEventHandler('1', url)).toThrow(OigError);
    }
  });

  it('REST event access reads the waiting events of every registered session in turn', () => {
    const channels = new EventChannels({ queueLimit: 10, pusher: new RecordingPusher(), pushAttempts: 1, log });
    channels.registerRestSession('77', '1');
    channels.registerRestSession('77', '2');
    channels.publish('1', ev(1));
    channels.publish('1', ev(2));
    channels.publish('2', ev(3));
    const got = [channels.getRestEvent('77'), channels.getRestEvent('77'), channels.getRestEvent('77')];
    expect(got.map((g) => g.sessionId).sort()).toEqual(['1', '1', '2']);
    expect(got[1]?.sessionId).toBe('2');
    expect(() => channels.getRestEvent('77')).toThrow('Timeout no event message available.');
    expect(() => channels.getRestEvent('78')).toThrow(/registerRestSession first/);
    channels.end('1');
    channels.end('2');
    expect(() => channels.getRestEvent('77')).toThrow(/registerRestSession first/);
  });
});

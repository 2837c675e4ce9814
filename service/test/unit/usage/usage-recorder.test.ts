import { describe, expect, it } from 'vitest';
import type { ApplicationDayDelta, GatewayDayDelta, UsageStore } from '../../../src/domain/usage/ports';
import { UsageRecorder } from '../../../src/domain/usage/usage-recorder';
import { createLogger } from '../../../src/log';

/** A store that records merged batches and can be made to fail. */
function memoryStore() {
  const batches: Array<{ applications: ApplicationDayDelta[]; gateway: GatewayDayDelta[] }> = [];
  let failing = false;
  const store: UsageStore & { batches: typeof batches; fail(on: boolean): void } = {
    batches,
    fail: (on) => void (failing = on),
    async merge(applications, gateway) {
      if (failing) throw new Error('database unavailable');
      batches.push({ applications: [...applications], gateway: [...gateway] });
    },
    async read() {
      return { applications: [], gateway: [] };
    },
  };
  return store;
}

const APP = { companyName: 'Acme', applicationName: 'Dialer' };

describe('usage recorder', () => {
  it('writes nothing until a flush, then one batch with openings added up and peaks', async () => {
    let clock = new Date('2026-11-03T10:00:00Z');
    const store = memoryStore();
    const recorder = new UsageRecorder({ store, log: createLogger('silent'), now: () => clock, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 5; i += 1) recorder.sessionOpened(APP);
    for (let i = 0; i < 3; i += 1) recorder.sessionEnded(APP);
    recorder.concurrency(APP, { monitors: 7, integrationUsers: 3 });
    recorder.concurrency(APP, { monitors: 2 });
    expect(store.batches).toEqual([]);
    expect(recorder.current()).toEqual([{ ...APP, sessions: 2, monitors: 2, integrationUsers: 3 }]);
    await recorder.flush();
    expect(store.batches).toEqual([
      {
        applications: [{ day: '2026-11-03', ...APP, sessionsOpened: 5, peakSessions: 5, peakMonitors: 7, peakIntegrationUsers: 3 }],
        gateway: [{ day: '2026-11-03', sessionsOpened: 5, peakSessions: 5, peakMonitors: 7, peakIntegrationUsers: 3 }],
      },
    ]);
    // Nothing new: nothing written. A new day: what is held is carried into it.
    await recorder.flush();
    expect(store.batches).toHaveLength(1);
    clock = new Date('2026-11-04T00:00:02Z');
    await recorder.close();
    expect(store.batches[1]?.applications).toEqual([{ day: '2026-11-04', ...APP, sessionsOpened: 0, peakSessions: 2, peakMonitors: 2, peakIntegrationUsers: 3 }]);
  });

  it('keeps a batch the database refused and merges it into the next write', async () => {
    const clock = new Date('2026-11-03T10:00:00Z');
    const store = memoryStore();
    const recorder = new UsageRecorder({ store, log: createLogger('silent'), now: () => clock, flushIntervalMs: 3_600_000 });
    recorder.sessionOpened(APP);
    recorder.sessionOpened(APP);
    store.fail(true);
    await recorder.flush();
    recorder.sessionEnded(APP);
    recorder.sessionEnded(APP);
    recorder.sessionOpened(APP);
    store.fail(false);
    await recorder.close();
    expect(store.batches).toEqual([
      {
        applications: [{ day: '2026-11-03', ...APP, sessionsOpened: 3, peakSessions: 2, peakMonitors: 0, peakIntegrationUsers: 0 }],
        gateway: [{ day: '2026-11-03', sessionsOpened: 3, peakSessions: 2, peakMonitors: 0, peakIntegrationUsers: 0 }],
      },
    ]);
  });

  it('ignores nonsense levels (negative, fractions, NaN) rather than recording them', async () => {
    const store = memoryStore();
    const recorder = new UsageRecorder({ store, log: createLogger('silent'), now: () => new Date('2026-11-03T10:00:00Z'), flushIntervalMs: 3_600_000 });
    recorder.concurrency(APP, { sessions: -4, monitors: 2.7, integrationUsers: Number.NaN });
    recorder.sessionEnded(APP);
    await recorder.close();
    expect(store.batches[0]?.applications[0]).toMatchObject({ peakSessions: 0, peakMonitors: 2, peakIntegrationUsers: 0 });
  });
});
